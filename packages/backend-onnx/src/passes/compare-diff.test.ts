import { DataType, GraphAttr, GraphBuilder } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import { Session } from '../runtime/node/runtime.js';
import { foldCompareOfDifference } from './compare-diff.js';

const F = DataType.FLOAT;
const N = 12;
// equal pairs, near pairs, signed zeros, infinities and NaN: where a − b > 0 and a > b could differ
const A = Float32Array.of(1, 0.1, -0, 0, 1e-38, 3e38, -3e38, Infinity, Infinity, Number.NaN, 2, -1);
const Bv = Float32Array.of(
  1,
  0.1 + 1e-8,
  0,
  -0,
  1.1e-38,
  -3e38,
  3e38,
  Infinity,
  1,
  0,
  Number.NaN,
  -1.0000001,
);

/** out = Cast(op(Sub(a, b), 0)) inside a one-step loop body and at the top level, for Greater and Less. */
function graph(op: 'Greater' | 'Less', where: 'top' | 'loop') {
  const g = new GraphBuilder('main');
  g.input('a', F, [N]);
  g.input('b', F, [N]);
  const compare = (b: GraphBuilder, x: string, y: string, prefix: string) => {
    const zero = b.float(`${prefix}zero`, [], new Float32Array([0]));
    return b.op('Cast', [b.op(op, [b.op('Sub', [x, y]), zero])], { to: F });
  };
  if (where === 'top') {
    g.output('out', F, [N], compare(g, 'a', 'b', ''));
    return g;
  }
  const body = new GraphBuilder('body', 'b_');
  body.input('b_k', F, [N]);
  body.input('b_a', F, [N]);
  body.output(compare(body, 'b_a', 'b_k', 'b_'), F, [N]);
  const [out] = g.node('Scan', ['b', g.op('Unsqueeze', ['a', g.int64('ax', [0])])], {
    outputs: 1,
    attrs: { body: new GraphAttr(body.graph()), num_scan_inputs: 1 },
  });
  g.output('out', F, [N], out);
  return g;
}

function run(g: GraphBuilder, fold: boolean) {
  const gp = g.graph();
  if (fold) foldCompareOfDifference(gp);
  const s = new Session(g.encode(), ['a', 'b'], ['out'], { threads: 1, providers: ['cpu'] });
  try {
    const out = Array.from(
      s.run([
        { data: A, shape: [N] },
        { data: Bv, shape: [N] },
      ])[0].data,
    );
    return { out, ops: JSON.stringify(gp).match(/"op_type":"Sub"/g)?.length ?? 0 };
  } finally {
    s.dispose();
  }
}

describe('foldCompareOfDifference', () => {
  for (const op of ['Greater', 'Less'] as const) {
    for (const where of ['top', 'loop'] as const) {
      it(`${op}(Sub(a, b), 0) → ${op}(a, b) (${where === 'top' ? 'top level' : 'in a loop body'}), same results on edge values`, () => {
        const before = run(graph(op, where), false);
        const after = run(graph(op, where), true);
        expect(before.ops).toBe(1);
        expect(after.ops).toBe(0);
        expect(after.out).toEqual(before.out);
      });
    }
  }

  it('keeps a difference that something else reads, and a comparison with another value', () => {
    const g = new GraphBuilder('main');
    g.input('a', F, [N]);
    g.input('b', F, [N]);
    const d = g.op('Sub', ['a', 'b']);
    const zero = g.float('zero', [], new Float32Array([0]));
    const half = g.float('half', [], new Float32Array([0.5]));
    g.output('p', F, [N], g.op('Cast', [g.op('Greater', [d, zero])], { to: F }));
    g.output('q', F, [N], d);
    const h = g.op('Sub', ['a', 'b']);
    g.output('r', F, [N], g.op('Cast', [g.op('Greater', [h, half])], { to: F }));
    const gp = g.graph();
    foldCompareOfDifference(gp);
    expect(gp.node.filter((n) => n.op_type === 'Sub')).toHaveLength(2);
  });
});
