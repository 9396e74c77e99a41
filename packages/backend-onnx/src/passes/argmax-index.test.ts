import { DataType, GraphAttr, GraphBuilder, type GraphProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { castIndicesAfterLoop } from './argmax-index.js';

const F = DataType.FLOAT;
const I32 = DataType.INT32;
const V = 5;
const T = 7;
// row k of the table is one-hot at (2k + 1) mod V, so every draw depends on the one before
const table = new Float32Array(V * V).map((_, i) =>
  i % V === (2 * Math.floor(i / V) + 1) % V ? 1 : 0,
);
const noise = new Float32Array(T * V).map((_, i) => Math.sin(i * 12.9898) * 0.8);

/**
 * A sampling loop: the carried row plus the step's noise, its argmax cast to int32, the drawn
 * row gathered from the table. `use` says what reads the int32 index besides the Gather.
 */
function graph(use: 'output' | 'carry' | 'add') {
  const g = new GraphBuilder('main');
  g.input('table', F, [V, V]);
  g.input('noise', F, [T, 1, V]);
  g.input('row0', F, [1, V]);
  const b = new GraphBuilder('body', 'b_');
  b.input('b_row', F, [1, V]);
  if (use === 'carry') b.input('b_prev', I32, [1]);
  b.input('b_noise', F, [1, V]);
  const id32 = b.op(
    'Cast',
    [b.op('ArgMax', [b.op('Add', ['b_row', 'b_noise'])], { axis: 1, keepdims: 0 })],
    {
      to: I32,
    },
  );
  b.output(b.op('Gather', ['table', id32]), F, [1, V]);
  b.output(use === 'add' ? b.op('Add', [id32, id32]) : id32, I32, [1]);
  const inits =
    use === 'carry' ? ['row0', g.op('Cast', [g.int64('prev0', [0])], { to: I32 })] : ['row0'];
  const outs = g.node('Scan', [...inits, 'noise'], {
    outputs: 2,
    attrs: { body: new GraphAttr(b.graph()), num_scan_inputs: 1 },
  });
  g.output('row', F, [1, V], outs[0]);
  g.output('ids', I32, use === 'carry' ? [1] : [T, 1], outs[1]);
  return g;
}

function bodyOf(gp: GraphProto): GraphProto {
  return gp.node.find((n) => n.op_type === 'Scan')!.attribute!.find((a) => a.name === 'body')!.g!;
}

function run(use: 'output' | 'carry' | 'add', rewrite: boolean) {
  const g = graph(use);
  const gp = g.graph();
  if (rewrite) castIndicesAfterLoop(gp);
  const s = new Session(g.encode(), ['table', 'noise', 'row0'], ['row', 'ids'], {
    threads: 1,
    providers: ['cpu'],
  });
  try {
    const [row, ids] = s.run([
      { data: table, shape: [V, V] },
      { data: noise, shape: [T, 1, V] },
      { data: table.slice(0, V), shape: [1, V] },
    ]);
    return {
      row: Array.from(row.data),
      ids: ids.data,
      bodyOps: bodyOf(gp).node.map((n) => n.op_type),
      ops: gp.node.map((n) => n.op_type),
    };
  } finally {
    s.dispose();
  }
}

describe('castIndicesAfterLoop', () => {
  it('drops the per-step Cast of a drawn index: the same int32 ids and rows, cast once after the loop', () => {
    const before = run('output', false);
    const after = run('output', true);
    expect(before.bodyOps).toContain('Cast');
    expect(after.bodyOps).not.toContain('Cast');
    expect(after.bodyOps).toHaveLength(before.bodyOps.length - 1);
    expect(after.ops).toEqual(['Scan', 'Cast']);
    expect(after.ids).toBeInstanceOf(Int32Array);
    expect(Array.from(after.ids)).toEqual(Array.from(before.ids));
    expect(after.row).toEqual(before.row);
    // the draws follow the chain: not all the same index
    expect(new Set(after.ids).size).toBeGreaterThan(1);
  });

  for (const use of ['carry', 'add'] as const) {
    it(`leaves the Cast when the int32 index is ${use === 'carry' ? 'carried to the next step' : 'read by another node'}`, () => {
      const before = run(use, false);
      const after = run(use, true);
      expect(after.bodyOps).toEqual(before.bodyOps);
      expect(after.ops).toEqual(before.ops);
      expect(Array.from(after.ids)).toEqual(Array.from(before.ids));
    });
  }
});
