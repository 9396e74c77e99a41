import type { AdamHyper, RmspropHyper, SgdHyper } from '@rnnkit/core';
import type { Emit, Lower } from '../graph/emit.js';

/**
 * Optimizer updates with PyTorch's formulas (the same arithmetic as backend-js's kernels). Every
 * hyperparameter is a runtime scalar (derived ones, such as Adam's step size, are computed on the
 * host per call); only structure is baked: whether a momentum buffer is used, nesterov, and
 * whether this is the first step. The lowerings return the new parameter, then the new state.
 */

const mul = (e: Emit, a: string, b: string) => e.g.op('Mul', [a, b]);
const add = (e: Emit, a: string, b: string) => e.g.op('Add', [a, b]);
const sub = (e: Emit, a: string, b: string) => e.g.op('Sub', [a, b]);
const div = (e: Emit, a: string, b: string) => e.g.op('Div', [a, b]);

/** Scalars of `sgd`: [lr, weightDecay, momentum, 1 − dampening]. */
export const sgdScalars = (h: SgdHyper): number[] => [
  h.lr,
  h.weightDecay,
  h.momentum,
  1 - h.dampening,
];

/**
 * torch.optim.SGD. Inputs [p, g] or, with `useBuf` (a buffer and momentum ≠ 0), [p, g, buf];
 * outputs [p] or [p, buf]. Key: `sgd|<useBuf><nesterov><firstStep>`.
 */
export function sgd(useBuf: boolean, nesterov: boolean, firstStep: boolean): Lower {
  return (e, [p, g, buf], [lr, wd, momentum, damp1]) => {
    let d = add(e, g.name, mul(e, wd, p.name));
    if (!useBuf) return [sub(e, p.name, mul(e, lr, d))];
    const b = firstStep ? d : add(e, mul(e, momentum, buf.name), mul(e, damp1, d));
    d = nesterov ? add(e, d, mul(e, momentum, b)) : b;
    return [sub(e, p.name, mul(e, lr, d)), b];
  };
}

/**
 * Scalars of `adam`: [decay, l2, beta1, 1 − beta1, beta2, 1 − beta2, lr / bc1, √bc2, eps]. Adam
 * and AdamW share the graph: AdamW decays p by 1 − lr·wd with no L2 term, Adam has decay 1 and
 * adds wd·p to the gradient.
 */
export const adamScalars = (h: AdamHyper): number[] => [
  h.decoupled ? 1 - h.lr * h.weightDecay : 1,
  h.decoupled ? 0 : h.weightDecay,
  h.beta1,
  1 - h.beta1,
  h.beta2,
  1 - h.beta2,
  h.lr / h.biasCorrection1,
  Math.sqrt(h.biasCorrection2),
  h.eps,
];

/**
 * torch.optim.Adam / AdamW: inputs [p, g, m, v], outputs [p, m, v]. `decays`: weight decay is
 * on (the nodes applying it are left out without it, three of sixteen). Key: `adam|<decays>`.
 */
export function adam(decays: boolean): Lower {
  return (e, [p, g, m, v], [decay, l2, b1, b1c, b2, b2c, stepSize, bc2, eps]) => {
    const gi = decays ? add(e, g.name, mul(e, l2, p.name)) : g.name;
    const mi = add(e, mul(e, b1, m.name), mul(e, b1c, gi));
    const vi = add(e, mul(e, b2, v.name), mul(e, mul(e, b2c, gi), gi));
    const denom = add(e, div(e, e.g.op('Sqrt', [vi]), bc2), eps);
    const kept = decays ? mul(e, p.name, decay) : p.name;
    return [sub(e, kept, div(e, mul(e, stepSize, mi), denom)), mi, vi];
  };
}

/** Scalars of `rmsprop`: [lr, weightDecay, alpha, 1 − alpha, eps, momentum]. */
export const rmspropScalars = (h: RmspropHyper): number[] => [
  h.lr,
  h.weightDecay,
  h.alpha,
  1 - h.alpha,
  h.eps,
  h.momentum,
];

/**
 * torch.optim.RMSprop (not centered). Inputs [p, g, sq] or, with `useBuf` (a buffer and
 * momentum > 0), [p, g, sq, buf]; outputs [p, sq] or [p, sq, buf]. Key: `rmsprop|<useBuf>`.
 */
export function rmsprop(useBuf: boolean): Lower {
  return (e, [p, g, sq, buf], [lr, wd, alpha, alpha1, eps, momentum]) => {
    const gi = add(e, g.name, mul(e, wd, p.name));
    const s = add(e, mul(e, alpha, sq.name), mul(e, mul(e, alpha1, gi), gi));
    const step = div(e, gi, add(e, e.g.op('Sqrt', [s]), eps));
    if (!useBuf) return [sub(e, p.name, mul(e, lr, step)), s];
    const b = add(e, mul(e, momentum, buf.name), step);
    return [sub(e, p.name, mul(e, lr, b)), s, b];
  };
}
