import { DataType, GraphAttr, GraphBuilder, type GraphProto } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { PAGE_FLOATS, transposedWeightInLoop } from './weight-layout.js';

const F = DataType.FLOAT;
const T = 3;
const K = 4;

/**
 * A loop carrying h [rows, K] through h ← (h·W)[:, :K] + x, W [K, n] read from outside the loop:
 * a backward LSTM step's product dgates · W_hh with a slice standing in for the rest.
 */
function graph(rows: number, n: number) {
  const g = new GraphBuilder('main');
  g.input('x', F, [T, rows, K]);
  g.input('h0', F, [rows, K]);
  g.input('w', F, [K, n]);
  const b = new GraphBuilder('body', 'b_');
  b.input('b_h', F, [rows, K]);
  b.input('b_x', F, [rows, K]);
  const prod = b.op('Gemm', ['b_h', 'w']);
  const cut = b.op('Slice', [prod, b.int64('from', [0]), b.int64('to', [K]), b.int64('ax', [1])]);
  b.output('b_next', F, [rows, K], b.op('Add', [cut, 'b_x']));
  b.output('b_prod', F, [rows, n], b.op('Identity', [prod]));
  const [last, prods] = g.node('Scan', ['h0', 'x'], {
    outputs: 2,
    attrs: { body: new GraphAttr(b.graph()), num_scan_inputs: 1 },
  });
  g.output('last', F, [rows, K], last);
  g.output('prods', F, [T, rows, n], prods);
  return g;
}

const gemmOf = (gp: GraphProto) =>
  gp.node
    .find((n) => n.op_type === 'Scan')!
    .attribute!.find((a) => a.name === 'body')!
    .g!.node.find((n) => n.op_type === 'Gemm')!;

function run(rows: number, n: number, rewrite: boolean) {
  const g = graph(rows, n);
  const gp = g.graph();
  if (rewrite) transposedWeightInLoop(gp);
  const x = Float32Array.from({ length: T * rows * K }, (_, i) => Math.sin(i));
  const h0 = Float32Array.from({ length: rows * K }, (_, i) => Math.cos(i) / 2);
  const w = Float32Array.from({ length: K * n }, (_, i) => Math.sin(i * 0.37) / 3);
  const s = new Session(g.encode(), ['x', 'h0', 'w'], ['last', 'prods'], {
    threads: 1,
    providers: ['cpu'],
  });
  try {
    const outs = s.run([
      { data: x, shape: [T, rows, K] },
      { data: h0, shape: [rows, K] },
      { data: w, shape: [K, n] },
    ]);
    const gemm = gemmOf(gp);
    return {
      values: outs.map((o) => Array.from(o.data)),
      ops: gp.node.map((o) => o.op_type),
      transB: gemm.attribute?.find((a) => a.name === 'transB')?.i ?? 0,
    };
  } finally {
    s.dispose();
  }
}

describe('transposedWeightInLoop', () => {
  it('reads a weight with page-long rows transposed, once before the loop: the same values', () => {
    const before = run(3, PAGE_FLOATS, false);
    const after = run(3, PAGE_FLOATS, true);
    expect(after.ops).toEqual(['Transpose', 'Scan']);
    expect(Number(after.transB)).toBe(1);
    expect(after.values).toEqual(before.values);
  });

  it('leaves shorter rows, and a product of one row (no packing to speed up), alone', () => {
    for (const [rows, n] of [
      [3, PAGE_FLOATS / 2],
      [1, PAGE_FLOATS],
    ]) {
      const after = run(rows, n, true);
      expect(after.ops).toEqual(['Scan']);
      expect(Number(after.transB)).toBe(0);
    }
  });
});
