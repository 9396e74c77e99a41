import { DataType, GraphAttr, GraphBuilder, type GraphProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { hoistLoopInvariants } from './hoist.js';
import { pruneDead } from './prune.js';
import { dropZeroSequences } from './zero-seqs.js';

const T = 5;
const B = 2;
const H = 3;
const F = DataType.FLOAT;

/** Deterministic values in (−1, 1). */
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3) * 0.9);

/** A reverse loop shaped like an RNN's backward: the carry times 1 − y² of a per-step y. */
function tanhBackwardLoop(opts: { zeroSeq?: boolean; extraBody?: (b: GraphBuilder) => void } = {}) {
  const body = new GraphBuilder('body', 'b_');
  body.input('b_c', F, [B, H]);
  body.input('b_y', F, [B, H]);
  body.input('b_d', F, [B, H]);
  const one = body.float('b_one', [], new Float32Array([1]));
  const dc = body.op('Add', ['b_c', 'b_d']);
  const deriv = body.op('Sub', [one, body.op('Mul', ['b_y', 'b_y'])]);
  const next = body.op('Mul', [dc, deriv]);
  body.output(next, F, [B, H]);
  body.node('Identity', [next], { outputs: ['b_out'] });
  body.output('b_out', F, [B, H]);
  opts.extraBody?.(body);

  const g = new GraphBuilder('main');
  g.input('c0', F, [B, H]);
  g.input('ys', F, [T, B, H]);
  g.input('ds', F, [T, B, H]);
  const d = opts.zeroSeq
    ? g.op('ConstantOfShape', [g.int64('shape', [T, B, H])], {
        value: { dims: [1], data_type: F, float_data: [0] },
      })
    : 'ds';
  const [cT, outs, ...extra] = g.node('Scan', ['c0', 'ys', d], {
    outputs: body.outputs.length,
    attrs: {
      body: new GraphAttr(body.graph()),
      num_scan_inputs: 2,
      scan_input_directions: [1, 1],
      scan_output_directions: Array(body.outputs.length - 1).fill(1),
    },
  });
  g.output('cT', F, [B, H], cT);
  g.output('outs', F, [T, B, H], outs);
  for (const x of extra) g.outputs.push({ name: x, type: { tensor_type: { elem_type: F } } });
  return g;
}

const inputs = () => [
  { data: values(B * H, 1), shape: [B, H] },
  { data: values(T * B * H, 2).map(Math.tanh), shape: [T, B, H] },
  { data: values(T * B * H, 3), shape: [T, B, H] },
];

/** Runs a graph; `transform` rewrites it first. */
function run(g: GraphBuilder, transform?: (graph: GraphProto) => void) {
  const graph = g.graph();
  pruneDead(graph);
  if (transform) {
    transform(graph);
    pruneDead(graph);
  }
  const s = new Session(g.encode(), ['c0', 'ys', 'ds'], ['cT', 'outs'], {
    threads: 1,
    providers: ['cpu'],
  });
  try {
    return { outputs: s.run(inputs()).map((v) => Array.from(v.data)), graph };
  } finally {
    s.dispose();
  }
}

const scanOf = (graph: GraphProto) => graph.node.find((n) => n.op_type === 'Scan')!;
const bodyOf = (graph: GraphProto) => scanOf(graph).attribute!.find((a) => a.name === 'body')!.g!;

describe('hoistLoopInvariants', () => {
  it('computes per-step work that reads no carried value once, on whole sequences', () => {
    const before = run(tanhBackwardLoop());
    const after = run(tanhBackwardLoop(), hoistLoopInvariants);
    expect(after.outputs).toEqual(before.outputs); // the same elementwise arithmetic, bit for bit
    // 1 − y² left the loop; the body multiplies the carry by the precomputed factor
    expect(bodyOf(after.graph).node.map((n) => n.op_type)).toEqual(['Add', 'Mul', 'Identity']);
    expect(after.graph.node.map((n) => n.op_type)).toEqual(['Mul', 'Sub', 'Scan']);
    // y is no longer sliced per step: the factor is, instead
    expect(scanOf(after.graph).input).toHaveLength(3);
    expect(scanOf(after.graph).input).not.toContain('ys');
  });

  it('moves Split and Concat with their axis shifted past the time axis', () => {
    // H = 3 splits unevenly: the sizes come as a constant input
    const g = () =>
      tanhBackwardLoop({
        extraBody: (b) => {
          const sizes = b.int64('sizes', [1, 2]);
          const [lo, hi] = b.node('Split', ['b_y', sizes], { outputs: 2, attrs: { axis: 1 } });
          const swapped = b.op('Concat', [hi, lo], { axis: 1 });
          b.node('Mul', [swapped, 'b_c'], { outputs: ['b_extra'] });
          b.output('b_extra', F, [B, H]);
        },
      });
    const before = run(g());
    const after = run(g(), hoistLoopInvariants);
    expect(after.outputs).toEqual(before.outputs);
    const moved = after.graph.node.filter((n) => n.op_type !== 'Scan');
    expect(moved.map((n) => n.op_type)).toEqual(['Mul', 'Sub', 'Split', 'Concat']);
    for (const n of moved.filter((x) => x.op_type !== 'Mul' && x.op_type !== 'Sub')) {
      expect(n.attribute!.find((a) => a.name === 'axis')!.i).toBe(2);
    }
  });

  it('leaves a loop alone when moving would pass in more per-step values than nodes it saves', () => {
    const g = tanhBackwardLoop({
      extraBody: (b) => {
        // one Split would leave, but its three parts would each become a per-step input
        const parts = b.node('Split', ['b_y'], { outputs: 3, attrs: { axis: 1 } });
        parts.forEach((p, i) => {
          b.node('Mul', [p, 'b_c'], { outputs: [`b_p${i}`] });
          b.output(`b_p${i}`, F, [B, 1]);
        });
      },
    });
    const graph = g.graph();
    pruneDead(graph);
    const nodes = bodyOf(graph).node.map((n) => n.op_type);
    // movable: y², 1 − y² and the Split (3 nodes); passed in instead: 1 − y² and the three
    // parts (4), while y itself would no longer be sliced (1): no gain, so nothing moves
    hoistLoopInvariants(graph);
    expect(bodyOf(graph).node.map((n) => n.op_type)).toEqual(nodes);
    expect(graph.node.map((n) => n.op_type)).toEqual(['Scan']);
  });

  it('keeps nodes whose per-step inputs differ in rank (broadcasting would change on [T, ...])', () => {
    const g = new GraphBuilder('main');
    const body = new GraphBuilder('body', 'b_');
    body.input('b_c', F, [B, H]);
    body.input('b_r', F, [H]);
    body.input('b_y', F, [B, H]);
    const prod = body.op('Mul', ['b_r', 'b_y']); // [H] ⊙ [B, H] per step; [T, H] ⊙ [T, B, H] is not the same
    const s = body.op('Add', ['b_c', body.op('Neg', [prod])]);
    body.output(s, F, [B, H]);
    g.input('c0', F, [B, H]);
    g.input('rs', F, [T, H]);
    g.input('ys', F, [T, B, H]);
    g.node('Scan', ['c0', 'rs', 'ys'], {
      outputs: ['cT'],
      attrs: { body: new GraphAttr(body.graph()), num_scan_inputs: 2 },
    });
    g.outputs.push({ name: 'cT', type: { tensor_type: { elem_type: F } } });
    const graph = g.graph();
    hoistLoopInvariants(graph);
    expect(graph.node.map((n) => n.op_type)).toEqual(['Scan']);
    expect(bodyOf(graph).node.map((n) => n.op_type)).toEqual(['Mul', 'Neg', 'Add']);
  });
  it('leaves a loop with a nested loop alone (the inner one reads outer values by name)', () => {
    const g = tanhBackwardLoop({
      extraBody: (b) => {
        const inner = new GraphBuilder('inner', 'i_');
        inner.input('i_c', F, [H]);
        inner.input('i_x', F, [H]);
        inner.node('Add', ['i_c', 'i_x'], { outputs: ['i_s'] });
        inner.output('i_s', F, [H]);
        b.node('Scan', ['b_c', 'b_y'], {
          outputs: ['b_inner'],
          attrs: { body: new GraphAttr(inner.graph()), num_scan_inputs: 1 },
        });
        b.output('b_inner', F, [H]);
      },
    });
    const graph = g.graph();
    pruneDead(graph);
    const nodes = bodyOf(graph).node.map((n) => n.op_type);
    hoistLoopInvariants(graph);
    expect(bodyOf(graph).node.map((n) => n.op_type)).toEqual(nodes);
  });
});

describe('dropZeroSequences', () => {
  it('drops the per-step addition of an all-zero sequence, and the sequence itself', () => {
    const before = run(tanhBackwardLoop({ zeroSeq: true }));
    const after = run(tanhBackwardLoop({ zeroSeq: true }), dropZeroSequences);
    expect(after.outputs).toEqual(before.outputs);
    expect(bodyOf(after.graph).node.map((n) => n.op_type)).toEqual([
      'Mul',
      'Sub',
      'Mul',
      'Identity',
    ]);
    expect(after.graph.node.map((n) => n.op_type)).toEqual(['Scan']); // no ConstantOfShape left
    expect(scanOf(after.graph).input).toEqual(['c0', 'ys']);
  });

  it('keeps additions of sequences that are not zero', () => {
    const after = run(tanhBackwardLoop(), dropZeroSequences);
    expect(bodyOf(after.graph).node[0].op_type).toBe('Add');
  });
});
