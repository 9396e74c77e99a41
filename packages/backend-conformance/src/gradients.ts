import {
  abs,
  add,
  affine,
  broadcastTo,
  clip,
  div,
  exp,
  log,
  max,
  maximum,
  mean,
  mul,
  neg,
  pow,
  relu,
  sigmoid,
  sqrt,
  sub,
  sum,
  type Tensor,
  tanh,
} from '@rnnkit/core';
import { describe } from 'vitest';
import type { Ctx } from './context.js';
import { gradIt } from './gradcheck.js';
import * as ref from './reference.js';

/** Broadcasting pairs for binary backward rules (the adjoint must sum over broadcast axes). */
const PAIRS: [number[], number[], string][] = [
  [[2, 3], [2, 3], 'same shape'],
  [[4, 3], [3], '[N,D] and [D]'],
  [[4, 1], [1, 3], '[N,1] and [1,D]'],
  [[2, 1, 3], [4, 1], '[2,1,3] and [4,1]'],
  [[], [2, 3], 'scalar and [2,3]'],
  [[2, 3], [1], '[2,3] and [1]'],
  [[3], [2, 2, 3], 'rank mismatch [3] and [2,2,3]'],
  [[4, 3], [4, 1], '[N,D] and [N,1]'],
];

/** Values on a grid of odd (parity 1) or even (parity 0) tenths: a and b never tie. */
function grid(shape: number[], seed: number, parity: 0 | 1): ref.Arr {
  const r = ref.rng(seed);
  const data = Array.from({ length: ref.sizeOf(shape) }, () =>
    Math.fround((2 * Math.floor(r() * 20 - 10) + parity) / 10),
  );
  return { shape, data };
}

const rand = ref.rand;
const away = ref.randAway;

export function elementwiseGradTests(ctx: Ctx): void {
  describe('gradients: binary ops with broadcasting', () => {
    PAIRS.forEach(([as, bs, label], k) => {
      const a = rand(as, 100 + k, -2, 2);
      const b = rand(bs, 200 + k, -2, 2);
      gradIt(ctx, {
        name: `add ${label}`,
        inputs: [a, b],
        op: ([x, y]) => add(x, y),
        ref: ([x, y]) => ref.binary(x, y, (u, v) => u + v),
      });
      gradIt(ctx, {
        name: `sub ${label}`,
        inputs: [a, b],
        op: ([x, y]) => sub(x, y),
        ref: ([x, y]) => ref.binary(x, y, (u, v) => u - v),
      });
      gradIt(ctx, {
        name: `mul ${label}`,
        inputs: [a, b],
        op: ([x, y]) => mul(x, y),
        ref: ([x, y]) => ref.binary(x, y, (u, v) => u * v),
      });
      const d = away(bs, 300 + k, -2, 2, [0], 0.5);
      gradIt(ctx, {
        name: `div ${label}`,
        inputs: [a, d],
        op: ([x, y]) => div(x, y),
        ref: ([x, y]) => ref.binary(x, y, (u, v) => u / v),
      });
      gradIt(ctx, {
        name: `maximum ${label}`,
        inputs: [grid(as, 400 + k, 1), grid(bs, 500 + k, 0)],
        op: ([x, y]) => maximum(x, y),
        ref: ([x, y]) => ref.binary(x, y, Math.max),
      });
    });
    gradIt(ctx, {
      name: 'mul of a tensor with itself (x·x, fan-in of one tensor to both operands)',
      inputs: [rand([3, 2], 600)],
      op: ([x]) => mul(x, x),
      ref: ([x]) => ref.map(x, (v) => v * v),
    });
  });

  describe('gradients: unary ops', () => {
    const x = rand([3, 4], 700, -2, 2);
    const pos = rand([3, 4], 701, 0.2, 3);
    const off0 = away([3, 4], 702, -2, 2, [0], 0.05);
    const unary: [string, ref.Arr, (t: Tensor) => Tensor, (v: number) => number][] = [
      ['neg', x, neg, (v) => -v],
      ['exp', x, exp, Math.exp],
      ['log', pos, log, Math.log],
      ['sqrt', pos, sqrt, Math.sqrt],
      ['abs (away from 0)', off0, abs, Math.abs],
      ['tanh', x, tanh, Math.tanh],
      ['sigmoid', x, sigmoid, ref.sigmoid],
      ['relu (away from 0)', off0, relu, (v) => Math.max(v, 0)],
      ['affine a=-1.5 b=0.3', x, (t) => affine(t, -1.5, 0.3), (v) => -1.5 * v + 0.3],
      ['pow p=2', x, (t) => pow(t, 2), (v) => v ** 2],
      ['pow p=3 (negative bases)', x, (t) => pow(t, 3), (v) => v ** 3],
      ['pow p=0.5', pos, (t) => pow(t, 0.5), Math.sqrt],
      ['pow p=-1.5', pos, (t) => pow(t, -1.5), (v) => v ** -1.5],
      ['pow p=2.5', pos, (t) => pow(t, 2.5), (v) => v ** 2.5],
    ];
    for (const [name, input, op, f] of unary) {
      gradIt(ctx, { name, inputs: [input], op: ([t]) => op(t), ref: ([t]) => ref.map(t, f) });
    }
    gradIt(ctx, {
      name: 'clip to [-0.5, 0.7] (inputs on both sides, away from the bounds)',
      inputs: [away([4, 5], 703, -2, 2, [-0.5, 0.7], 0.05)],
      op: ([t]) => clip(t, -0.5, 0.7),
      ref: ([t]) => ref.map(t, (v) => Math.min(0.7, Math.max(-0.5, v))),
    });
  });

  describe('gradients: reductions and broadcastTo', () => {
    const x = rand([2, 3, 4], 800, -2, 2);
    const distinct = away([2, 3, 4], 801, -3, 3, [], 0.02, true);
    const axesCases: [number[] | undefined, boolean][] = [
      [undefined, false],
      [[0], false],
      [[1], false],
      [[2], false],
      [[0, 2], false],
      [[1, 2], false],
      [[1], true],
      [[0, 2], true],
      [undefined, true],
    ];
    for (const [axes, keep] of axesCases) {
      const all = [0, 1, 2];
      const tag = `axes ${axes ? `[${axes.join(',')}]` : 'all'}${keep ? ' keepDims' : ''}`;
      gradIt(ctx, {
        name: `sum ${tag}`,
        inputs: [x],
        op: ([t]) => sum(t, axes, keep),
        ref: ([t]) => ref.reduce(t, axes ?? all, 'sum', keep),
      });
      gradIt(ctx, {
        name: `mean ${tag}`,
        inputs: [x],
        op: ([t]) => mean(t, axes, keep),
        ref: ([t]) => {
          const s = ref.reduce(t, axes ?? all, 'sum', keep);
          return ref.map(s, (v) => (v * s.data.length) / t.data.length);
        },
      });
      gradIt(ctx, {
        name: `max ${tag} (distinct values)`,
        inputs: [distinct],
        op: ([t]) => max(t, axes, keep),
        ref: ([t]) => ref.reduce(t, axes ?? all, 'max', keep),
      });
    }
    gradIt(ctx, {
      name: 'sum over a negative axis (-1)',
      inputs: [x],
      op: ([t]) => sum(t, -1),
      ref: ([t]) => ref.reduce(t, [2], 'sum'),
    });
    const bcast: [number[], number[]][] = [
      [[3], [2, 3]],
      [
        [2, 1],
        [2, 4],
      ],
      [
        [1, 3],
        [2, 2, 3],
      ],
      [[], [2, 2]],
      [
        [2, 3],
        [2, 3],
      ],
    ];
    bcast.forEach(([from, to], k) => {
      gradIt(ctx, {
        name: `broadcastTo [${from.join(',')}] → [${to.join(',')}]`,
        inputs: [rand(from, 810 + k, -2, 2)],
        op: ([t]) => broadcastTo(t, to),
        ref: ([t]) => ref.broadcastTo(t, to),
      });
    });
  });
}
