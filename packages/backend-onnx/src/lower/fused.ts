import type { RnnActivation } from '@rnnkit/core';
import type { Emit, Lower } from '../graph/emit.js';

/**
 * Fused recurrent steps as a handful of ONNX nodes each: one kernel call instead of a dozen, so
 * eager runs make fewer sessions and compiled graphs stay small. Same formulas as backend-js.
 */

const op = (e: Emit, type: string, ...ins: string[]) => e.g.op(type, ins);
const mul = (e: Emit, a: string, b: string) => op(e, 'Mul', a, b);
const add = (e: Emit, a: string, b: string) => op(e, 'Add', a, b);
const sub = (e: Emit, a: string, b: string) => op(e, 'Sub', a, b);
/** 1 − a */
const oneMinus = (e: Emit, a: string) => sub(e, e.constF(1), a);
/** Equal parts of x along `axis`, whose length is `size` (given to Split where the runtime asks). */
const split = (e: Emit, x: string, parts: number, axis: number, size: number) =>
  e.g.node(
    'Split',
    e.lowering.explicitSplit ? [x, e.ints(new Array(parts).fill(size / parts))] : [x],
    { outputs: parts, attrs: { axis } },
  );
/** Σ over the batch axis, kept as a row [1, H]. */
const colSum = (e: Emit, x: string) => e.g.op('ReduceSum', [x, e.ints([0])], { keepdims: 1 });

/**
 * LSTM step from gates [B, 4H] (i, f, g, o) and c [B, H], peepholes p [3, H] (rows i, f, o) when
 * `peep`. Inputs [gates, c] or [gates, c, p]; outputs [h, c, act]. Key: `lstmCell|<peep>`.
 */
export function lstmCell(peep: boolean): Lower {
  if (!peep) return lstmCellPlain;
  return (e, [gates, c, p]) => {
    const [gi, gf, gg, go] = split(e, gates.name, 4, 1, gates.shape[1]);
    const [pi, pf, po] = split(e, p.name, 3, 0, p.shape[0]);
    const zi = add(e, gi, mul(e, pi, c.name));
    const zf = add(e, gf, mul(e, pf, c.name));
    const i = op(e, 'Sigmoid', zi);
    const f = op(e, 'Sigmoid', zf);
    const g = op(e, 'Tanh', gg);
    const cn = add(e, mul(e, f, c.name), mul(e, i, g));
    const o = op(e, 'Sigmoid', add(e, go, mul(e, po, cn)));
    const h = mul(e, o, op(e, 'Tanh', cn));
    return [h, cn, e.g.op('Concat', [i, f, g, o], { axis: 1 })];
  };
}

/**
 * lstmCell without peepholes: sigmoid and tanh over all four gates at once, then split (nine
 * nodes instead of ten; in a loop body every node has a fixed cost per step besides its
 * arithmetic, which on [batch, 4H] is the smaller part). The saved activations hold the cell
 * gate as σ(2z) = (g + 1)/2 instead of g = tanh(z): the form a training loop saves straight from
 * one Sigmoid over all four gates (lstm-gates.ts), so the backward reads one form everywhere.
 */
const lstmCellPlain: Lower = (e, [gates, c]) => {
  const [i, f, , o] = split(e, op(e, 'Sigmoid', gates.name), 4, 1, gates.shape[1]);
  const [, , g] = split(e, op(e, 'Tanh', gates.name), 4, 1, gates.shape[1]);
  const cn = add(e, mul(e, f, c.name), mul(e, i, g));
  const h = mul(e, o, op(e, 'Tanh', cn));
  const sg = mul(e, add(e, g, e.constF(1)), e.constF(0.5));
  return [h, cn, e.g.op('Concat', [i, f, sg, o], { axis: 1 })];
};

/**
 * Backward of lstmCell. Inputs [act, cPrev, cNew, dh, dc] or [act, cPrev, cNew, dh, dc, p];
 * outputs [dGates, dcPrev] or [dGates, dcPrev, dp]. Key: `lstmCellBackward|<peep>`.
 */
export function lstmCellBackward(peep: boolean): Lower {
  if (!peep) return lstmCellBackwardPlain;
  return (e, [act, cPrev, cNew, dh, dc, p]) => {
    const [i, f, g, o] = split(e, act.name, 4, 1, act.shape[1]);
    const [pi, pf, po] = split(e, p.name, 3, 0, p.shape[0]);
    const cp = cPrev.name;
    const tc = op(e, 'Tanh', cNew.name);
    const dgo = mul(e, mul(e, mul(e, dh.name, tc), o), oneMinus(e, o));
    const dcv = add(
      e,
      add(e, dc.name, mul(e, mul(e, dh.name, o), oneMinus(e, mul(e, tc, tc)))),
      mul(e, dgo, po),
    );
    const dgi = mul(e, mul(e, mul(e, dcv, g), i), oneMinus(e, i));
    const dgf = mul(e, mul(e, mul(e, dcv, cp), f), oneMinus(e, f));
    const dgg = mul(e, mul(e, dcv, i), oneMinus(e, mul(e, g, g)));
    const dGates = e.g.op('Concat', [dgi, dgf, dgg, dgo], { axis: 1 });
    const dcPrev = add(e, add(e, mul(e, dcv, f), mul(e, dgi, pi)), mul(e, dgf, pf));
    const dp = e.g.op(
      'Concat',
      [colSum(e, mul(e, dgi, cp)), colSum(e, mul(e, dgf, cp)), colSum(e, mul(e, dgo, cNew.name))],
      { axis: 0 },
    );
    return [dGates, dcPrev, dp];
  };
}

/**
 * lstmCellBackward without peepholes (its saved activations as lstmCellPlain makes them, the cell
 * gate as σ(2z)), written so that the gradient flowing back (dh, dc) meets
 * the saved activations as late as possible: every gate's derivative is (dc or dh) times a factor
 * of the activations alone, e.g. ∂/∂go = dh · tanh(c)·o·(1 − o). In a backward loop those factors
 * depend on no carried value, so hoist.ts computes them once for all steps, and a step is five
 * nodes (dc + dh·fc, the four gate gradients as one product, dcPrev) instead of twenty-five. The
 * products are grouped differently from backend-js's (a rounding-level difference).
 */
const lstmCellBackwardPlain: Lower = (e, [act, cPrev, cNew, dh, dc]) => {
  const [i, f, sg, o] = split(e, act.name, 4, 1, act.shape[1]);
  const g = sub(e, mul(e, sg, e.constF(2)), e.constF(1)); // tanh(z) = 2σ(2z) − 1
  const tc = op(e, 'Tanh', cNew.name);
  const factors = e.g.op(
    'Concat',
    [
      mul(e, mul(e, g, i), oneMinus(e, i)),
      mul(e, mul(e, cPrev.name, f), oneMinus(e, f)),
      mul(e, i, oneMinus(e, mul(e, g, g))),
      mul(e, mul(e, tc, o), oneMinus(e, o)),
    ],
    { axis: 1 },
  );
  const dcv = add(e, dc.name, mul(e, dh.name, mul(e, o, oneMinus(e, mul(e, tc, tc)))));
  const dGates = mul(e, e.g.op('Concat', [dcv, dcv, dcv, dh.name], { axis: 1 }), factors);
  return [dGates, mul(e, dcv, f)];
};

/** GRU step (reset after the recurrent product): inputs [xg, hg, h], outputs [h', act]. Key: `gruCell`. */
export const gruCell: Lower = (e, [xg, hg, h]) => {
  const [xr, xz, xn] = split(e, xg.name, 3, 1, xg.shape[1]);
  const [hr, hz, hn] = split(e, hg.name, 3, 1, hg.shape[1]);
  const r = op(e, 'Sigmoid', add(e, xr, hr));
  const z = op(e, 'Sigmoid', add(e, xz, hz));
  const n = op(e, 'Tanh', add(e, xn, mul(e, r, hn)));
  const hNew = add(e, n, mul(e, z, sub(e, h.name, n)));
  return [hNew, e.g.op('Concat', [r, z, n], { axis: 1 })];
};

/**
 * Backward of gruCell: inputs [act, hg, h, dh], outputs [dxg, dhg, dh]. As in
 * lstmCellBackwardPlain, dh multiplies factors of the saved values alone (hoisted out of a
 * backward loop by hoist.ts): a step is four nodes instead of twenty. Key: `gruCellBackward`.
 */
export const gruCellBackward: Lower = (e, [act, hg, h, dh]) => {
  const [r, z, n] = split(e, act.name, 3, 1, act.shape[1]);
  const [, , hn] = split(e, hg.name, 3, 1, hg.shape[1]);
  const fn = mul(e, oneMinus(e, z), oneMinus(e, mul(e, n, n)));
  const fz = mul(e, mul(e, sub(e, h.name, n), z), oneMinus(e, z));
  const fr = mul(e, mul(e, mul(e, fn, hn), r), oneMinus(e, r));
  const d = dh.name;
  const d3 = e.g.op('Concat', [d, d, d], { axis: 1 });
  const dxg = mul(e, d3, e.g.op('Concat', [fr, fz, fn], { axis: 1 }));
  const dhg = mul(e, d3, e.g.op('Concat', [fr, fz, mul(e, fn, r)], { axis: 1 }));
  return [dxg, dhg, mul(e, d, z)];
};

/** Elman step act(xp + h·wᵀ): Gemm with C = xp, then the activation. Inputs [xp, h, w]. Key: `rnnCell|<act>`. */
export function rnnCell(act: RnnActivation): Lower {
  return (e, [xp, h, w]) => {
    const pre = e.g.op('Gemm', [h.name, w.name, xp.name], { transB: 1 });
    if (act === 'tanh') return [op(e, 'Tanh', pre)];
    if (act === 'relu') return [op(e, 'Relu', pre)];
    return [pre];
  };
}

/** dy ⊙ act'(·) from the output y: 1 − y² (tanh), [y > 0] (relu), 1. Inputs [y, dy]. Key: `rnnCellBackward|<act>`. */
export function rnnCellBackward(act: RnnActivation): Lower {
  return (e, [y, dy]) => {
    if (act === 'tanh') return [mul(e, dy.name, oneMinus(e, mul(e, y.name, y.name)))];
    if (act === 'relu') {
      return [e.g.op('Where', [op(e, 'Greater', y.name, e.constF(0)), dy.name, e.constF(0)])];
    }
    return [e.g.op('Identity', [dy.name])];
  };
}
