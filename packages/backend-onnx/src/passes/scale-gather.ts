import { DataType, type GraphProto, type NodeProto, readTensor } from '@rnnkit/onnx/format';
import { intAttr, knownDims } from '../graph/graph-info.js';

/**
 * A constant per-column scale of rows gathered from a table is applied to the table instead:
 * Mul(Reshape…(Gather(table, idx)), s), with s a constant vector along the last axis and every
 * Reshape keeping that axis, becomes Reshape…(Gather(Mul(table, s), idx)). Each element is
 * multiplied by the same factor either way, so the values are the same bit for bit; the Mul runs
 * over the table's rows instead of every gathered one.
 *
 * lstm-gates.ts makes such a Mul (the cell gate's doubling of a step's input term) and hoist.ts
 * moves it out of the loop, where it scaled the whole [T, B, 4H] input term. With the embedding
 * folded into the input projection (cells' `forwardEmbedded`), that term is rows gathered from a
 * [V, 4H] table: for the char LSTM (V 65, 2048 characters a batch) a Mul over 65 rows instead of
 * 2048. The old chain is left for pruning when nothing else reads it.
 */
export function scaleBeforeGather(graph: GraphProto): void {
  const made = new Map<string, NodeProto>();
  for (const n of graph.node) for (const o of n.output) made.set(o, n);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const dims = knownDims(graph);

  /** The last-axis length of a rank-2 table, where the graph says it. */
  const tableCols = (name: string): number | undefined => {
    const d = dims.get(name);
    if (d) return d.length === 2 ? d[1] : undefined;
    const gemm = made.get(name);
    if (gemm?.op_type !== 'Gemm') return undefined;
    const b = dims.get(gemm.input[1]);
    if (b?.length !== 2) return undefined;
    return intAttr(gemm, 'transB') === 1 ? b[0] : b[1];
  };

  for (let i = 0; i < graph.node.length; i++) {
    const mul = graph.node[i];
    if (mul.op_type !== 'Mul' || mul.input.length !== 2) continue;
    const k = mul.input.findIndex((x) => isColumnScale(inits.get(x)));
    if (k < 0) continue;
    const scale = mul.input[k];
    const cols = Number(inits.get(scale)!.dims![0]);
    // back through the Reshapes that keep the last axis, to a Gather along axis 0
    const reshapes: NodeProto[] = [];
    let x = mul.input[1 - k];
    let at = made.get(x);
    while (at?.op_type === 'Reshape' && lastOf(inits.get(at.input[1])) === cols) {
      reshapes.unshift(at);
      x = at.input[0];
      at = made.get(x);
    }
    if (at?.op_type !== 'Gather' || intAttr(at, 'axis') !== 0) continue;
    if (tableCols(at.input[0]) !== cols) continue;

    const out = mul.output[0];
    const scaled = `${out}.table`;
    const rebuilt: NodeProto[] = [
      { ...mul, name: `${scaled}/Mul`, input: [at.input[0], scale], output: [scaled] },
    ];
    let prev = `${out}.rows`;
    rebuilt.push({ ...at, name: `${prev}/Gather`, input: [scaled, at.input[1]], output: [prev] });
    reshapes.forEach((r, j) => {
      const next = j === reshapes.length - 1 ? out : `${out}.reshape${j}`;
      rebuilt.push({ ...r, name: `${next}/Reshape`, input: [prev, r.input[1]], output: [next] });
      prev = next;
    });
    if (reshapes.length === 0) rebuilt[1].output = [out];
    graph.node.splice(i, 1, ...rebuilt);
    i += rebuilt.length - 1;
  }
}

/** A float initializer of rank 1: a factor per position of the last axis. */
function isColumnScale(t: { dims?: unknown[]; data_type?: number } | undefined): boolean {
  return t?.data_type === DataType.FLOAT && t.dims?.length === 1;
}

/** The last value of a constant int64 shape, or undefined. */
function lastOf(t: Parameters<typeof readTensor>[0] | undefined): number | undefined {
  if (t?.data_type !== DataType.INT64) return undefined;
  const v = readTensor(t).data as ArrayLike<number>;
  return v.length ? Number(v[v.length - 1]) : undefined;
}
