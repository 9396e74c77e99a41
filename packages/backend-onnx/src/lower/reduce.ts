import type { Lower } from '../graph/emit.js';

/**
 * Sum over `axes` (sorted, unique), dropping them; all axes give a rank-0 result. No axes is the
 * identity (ONNX's ReduceSum would reduce everything). Key: `sum|<axes>`.
 */
export function sum(axes: readonly number[]): Lower {
  return (e, [x]) => [
    axes.length === 0
      ? e.g.op('Identity', [x.name])
      : e.g.op('ReduceSum', [x.name, e.ints(axes)], { keepdims: 0 }),
  ];
}

/** Max over `axes`, as `sum` (ReduceMax takes its axes as an attribute until opset 18). Key: `max|<axes>`. */
export function max(axes: readonly number[]): Lower {
  return (e, [x]) => [
    axes.length === 0
      ? e.g.op('Identity', [x.name])
      : e.g.op('ReduceMax', [x.name], { axes: [...axes], keepdims: 0 }),
  ];
}

/** Row-wise index of the largest value of [N, C] (the first on ties): ArgMax gives int64, cast to int32. */
export const argmax: Lower = (e, [x]) => [
  e.g.op('Cast', [e.g.op('ArgMax', [x.name], { axis: 1, keepdims: 0 })], { to: 6 }),
];
