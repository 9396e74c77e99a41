import {
  type AttributeProto,
  GraphAttr,
  GraphBuilder,
  type GraphProto,
  makeAttribute,
  type NodeProto,
  type ValueInfoProto,
  valueInfo,
} from '@rnnkit/onnx/format';
import { emitter, type LoweringOptions } from '../graph/emit.js';
import { onnxType } from '../graph/kernel-graph.js';
import { PASSES } from '../passes/index.js';
import type { CallOp, Decl, Program, ScanOp } from './trace-program.js';

/**
 * The ONNX model of a traced program (see trace-program.ts), rewritten by each pass of `PASSES`
 * in order (passes/index.ts: unused nodes dropped, then loops simplified, then pruned again).
 */
export function buildModel(root: Program, lowering: LoweringOptions = {}): Uint8Array {
  const g = new GraphBuilder('rnnkit_compiled', root.prefix);
  fill(g, root, lowering);
  const graph = g.graph();
  for (const pass of PASSES) pass.run(graph);
  return g.encode();
}

function fill(g: GraphBuilder, p: Program, lowering: LoweringOptions): GraphProto {
  for (const d of p.inputs) g.inputs.push(declare(d));
  const e = emitter(g, lowering);
  for (const op of p.ops) {
    if (op.kind === 'call') emitCall(g, e, op);
    else emitScan(g, op, lowering);
  }
  for (const o of p.outputs) {
    if (o.src !== o.name) g.nodes.push(identity(g, o.src, o.name));
    g.outputs.push(declare(o));
  }
  return g.graph();
}

/** A kernel's nodes, its results renamed to the names the trace gave them. */
function emitCall(g: GraphBuilder, e: ReturnType<typeof emitter>, op: CallOp): void {
  const start = g.nodes.length;
  const outs = op.call.lower(e, op.ins, op.scalars);
  const renamed = new Map<string, string>();
  outs.forEach((actual, i) => {
    const want = op.outs[i];
    if (actual === want) return;
    const earlier = renamed.get(actual);
    if (earlier === undefined) {
      for (let k = g.nodes.length - 1; k >= start; k--) {
        const n = g.nodes[k];
        const j = n.output.indexOf(actual);
        if (j < 0) continue;
        n.output[j] = want;
        for (let m = k + 1; m < g.nodes.length; m++) {
          g.nodes[m].input = g.nodes[m].input.map((x) => (x === actual ? want : x));
        }
        renamed.set(actual, want);
        return;
      }
    }
    // not made by this call's nodes (an input passed through), or already named: an Identity
    g.nodes.push(identity(g, earlier ?? actual, want));
  });
}

function emitScan(g: GraphBuilder, op: ScanOp, lowering: LoweringOptions): void {
  const b = new GraphBuilder('body', op.body.prefix);
  fill(b, op.body, lowering);
  op.saved.forEach((s, k) => {
    let src = s.src;
    if (b.outputs.some((o) => o.name === src)) {
      const name = `${op.body.prefix}saved.${k}`;
      b.nodes.push(identity(b, src, name));
      src = name;
    }
    b.outputs.push(declare({ name: src, dtype: s.dtype }));
  });
  const seqs = [...op.seqs, ...op.body.extraSeqs];
  const nScanOut = op.outs.length - op.init.length + op.saved.length;
  const attrs: AttributeProto[] = [
    makeAttribute('body', new GraphAttr(b.graph())),
    makeAttribute('num_scan_inputs', seqs.length),
  ];
  if (op.reverse) {
    attrs.push(makeAttribute('scan_input_directions', Array(seqs.length).fill(1)));
    if (nScanOut > 0) attrs.push(makeAttribute('scan_output_directions', Array(nScanOut).fill(1)));
  }
  g.nodes.push({
    name: g.fresh('Scan'),
    op_type: 'Scan',
    input: [...op.init, ...seqs],
    output: [...op.outs, ...op.saved.map((s) => s.out)],
    attribute: attrs,
  });
}

function identity(g: GraphBuilder, from: string, to: string): NodeProto {
  return {
    name: g.fresh('Identity'),
    op_type: 'Identity',
    input: [from],
    output: [to],
    attribute: [],
  };
}

/** A value info: the shape when known, else the element type alone. */
function declare(d: Decl): ValueInfoProto {
  const v = valueInfo(d.name, onnxType(d.dtype), d.shape ?? []);
  if (!d.shape) delete v.type?.tensor_type?.shape;
  return v;
}
