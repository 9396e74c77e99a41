import { floatTensor, type GraphProto, type NodeProto } from '@rnnkit/onnx/format';
import { intAttr, knownInputDims } from '../graph/graph-info.js';
import { hasNestedGraph, insertAtEachScan, scanParts } from '../graph/scan-node.js';

/**
 * An LSTM step in a training loop computes tanh of the cell gate as 2σ(2z) − 1, so that one
 * Sigmoid over all four gates serves every gate. lstmCell's lowering (lower/fused.ts) takes
 * sigmoid and tanh of all four gates, [batch, 4H] each, keeps a quarter of the tanh, and saves
 * the activations for the backward as a Concat of four slices, the cell gate's as σ(2z) =
 * (g + 1)/2. In a `Scan` body whose step matches that, this pass
 *
 * - doubles the cell gate's rows of the recurrent weight (once, before the loop) and of the
 *   step's input term (the Gemm's C), so the Gemm yields 2z for the cell gate (exactly: doubling
 *   is exact in floating point) and the Sigmoid's third quarter is σ(2z);
 * - takes g = 2σ(2z) − 1 from it (two small nodes on [batch, H]) and drops the Tanh, its Split
 *   and the two nodes making (g + 1)/2;
 * - saves the Sigmoid's result itself instead of the Concat: it is the saved form already.
 *
 * A step loses a Tanh and a Split over [batch, 4H] and a Concat copying [batch, 4H]. g differs
 * from tanh(z) by rounding (tanh and the logistic function are both approximations in ONNX
 * Runtime's kernels): a few 1e-8 absolute. Loops without saved gates (inference, sampling)
 * keep the lowering as it is: there the Tanh is as cheap as the two nodes replacing it.
 */
export function tanhGateBySigmoid(graph: GraphProto): void {
  const shapes = knownInputDims(graph);
  insertAtEachScan(graph, 'before', (scan) => rewrite(scan, graph, shapes));
}

/** Rewrites the matching steps of `scan`'s body; returns the nodes to run before the loop. */
function rewrite(scan: NodeProto, graph: GraphProto, shapes: Map<string, number[]>): NodeProto[] {
  const before: NodeProto[] = [];
  const parts = scanParts(scan);
  if (!parts || hasNestedGraph(parts.body)) return before;
  const { body, nState } = parts;
  const made = new Map<string, NodeProto>();
  const uses = new Map<string, number>();
  for (const n of body.node) {
    for (const o of n.output) made.set(o, n);
    for (const x of n.input) uses.set(x, (uses.get(x) ?? 0) + 1);
  }
  for (const o of body.output) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  const bodyInputs = new Set(body.input.map((v) => v.name));
  const op = (type: string, ins: string[], out: string): NodeProto => ({
    name: `${out}/${type}`,
    op_type: type,
    input: ins,
    output: [out],
    attribute: [],
  });

  for (let j = nState; j < body.output.length; j++) {
    const act = body.output[j].name;
    const m = matchStep(act, made, uses);
    if (!m) continue;
    const { gemm, sigmoid, sigSplit, tanhSplit } = m;
    const transB = intAttr(gemm, 'transB') === 1;
    const w = gemm.input[1];
    const wShape = shapes.get(w);
    // the weight must come from outside the loop (its doubled copy is made once, before it)
    if (made.has(w) || bodyInputs.has(w) || wShape?.length !== 2) continue;
    const N = transB ? wShape[0] : wShape[1];
    if (N % 4 !== 0) continue;
    const H = N / 4;
    const scale = new Float32Array(N).fill(1);
    scale.fill(2, 2 * H, 3 * H);

    // 2z for the cell gate: the weight's rows (outside) and the input term (inside) doubled
    graph.initializer.push(floatTensor(`${act}.sw`, transB ? [N, 1] : [N], scale));
    before.push(op('Mul', [w, `${act}.sw`], `${act}.w2`));
    gemm.input[1] = `${act}.w2`;
    const beforeGemm: NodeProto[] = [];
    if (gemm.input[2]) {
      body.initializer.push(floatTensor(`${act}.s`, [N], scale));
      beforeGemm.push(op('Mul', [gemm.input[2], `${act}.s`], `${act}.c2`));
      gemm.input[2] = `${act}.c2`;
    }
    // g = 2σ(2z) − 1 where the Tanh's third quarter was, under the same name
    const g = tanhSplit.output[2];
    const sg = `${act}.sg`;
    sigSplit.output[2] = sg;
    body.initializer.push(floatTensor(`${act}.two`, [], Float32Array.of(2)));
    body.initializer.push(floatTensor(`${act}.one`, [], Float32Array.of(1)));
    const gFromSg = [
      op('Mul', [sg, `${act}.two`], `${act}.g2`),
      op('Sub', [`${act}.g2`, `${act}.one`], g),
    ];
    // the Sigmoid's result, (i, f, σ(2z), o), is what the loop saves now
    sigmoid.output[0] = act;
    sigSplit.input[0] = act;
    const dropped = new Set(m.dropped);
    const kept = body.node.filter((n) => !dropped.has(n));
    kept.splice(kept.indexOf(gemm), 0, ...beforeGemm);
    kept.splice(kept.indexOf(sigSplit) + 1, 0, ...gFromSg);
    body.node.splice(0, body.node.length, ...kept);
  }
  return before;
}

interface Step {
  gemm: NodeProto;
  sigmoid: NodeProto;
  sigSplit: NodeProto;
  tanhSplit: NodeProto;
  /** Nodes the rewritten step no longer needs: the Tanh, its Split, (g + 1)/2 and the Concat. */
  dropped: NodeProto[];
}

/**
 * The nodes of lstmCell's lowering behind saved value `act`: Concat(i, f, (g + 1)·½, o) on axis 1
 * of quarters 0, 1, 3 of Split(Sigmoid(z)) and g, quarter 2 of Split(Tanh(z)); z made by a Gemm,
 * with nothing else reading z, the Tanh, its Split's other quarters or the Concat.
 */
function matchStep(
  act: string,
  made: Map<string, NodeProto>,
  uses: Map<string, number>,
): Step | undefined {
  const concat = made.get(act);
  if (concat?.op_type !== 'Concat' || concat.input.length !== 4 || intAttr(concat, 'axis') !== 1)
    return;
  if (uses.get(act) !== 1) return;
  const sigSplit = made.get(concat.input[0]);
  if (!sigSplit || !isQuarters(sigSplit)) return;
  const [i, f, , o] = sigSplit.output;
  if (concat.input[0] !== i || concat.input[1] !== f || concat.input[3] !== o) return;
  if (uses.get(sigSplit.output[2])) return;
  // (g + 1)·½, each node read only by the next
  const half = made.get(concat.input[2]);
  const plus = half?.op_type === 'Mul' ? made.get(half.input[0]) : undefined;
  if (plus?.op_type !== 'Add' || uses.get(half!.output[0]) !== 1) return;
  if (uses.get(plus.output[0]) !== 1) return;
  const tanhSplit = made.get(plus.input[0]);
  if (!tanhSplit || !isQuarters(tanhSplit) || plus.input[0] !== tanhSplit.output[2]) return;
  if ([0, 1, 3].some((k) => uses.get(tanhSplit.output[k]))) return;
  const sigmoid = made.get(sigSplit.input[0]);
  const tanh = made.get(tanhSplit.input[0]);
  if (sigmoid?.op_type !== 'Sigmoid' || tanh?.op_type !== 'Tanh') return;
  if (uses.get(sigmoid.output[0]) !== 1 || uses.get(tanh.output[0]) !== 1) return;
  const z = sigmoid.input[0];
  if (tanh.input[0] !== z || uses.get(z) !== 2) return;
  const gemm = made.get(z);
  if (gemm?.op_type !== 'Gemm') return;
  return { gemm, sigmoid, sigSplit, tanhSplit, dropped: [tanh, tanhSplit, plus, half!, concat] };
}

/** A Split into four equal parts along axis 1. */
function isQuarters(n: NodeProto): boolean {
  return (
    n.op_type === 'Split' &&
    n.output.length === 4 &&
    n.input.length === 1 &&
    intAttr(n, 'axis') === 1
  );
}
