import { floatTensor } from '@rnnkit/onnx/format';
import type { Emit, Lower } from '../graph/emit.js';

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
export const argmax: Lower = (e, [x]) => {
  if (e.lowering.argmaxByMax) return [argmaxByMax(e, x.name, x.shape[1])];
  return [e.g.op('Cast', [e.g.op('ArgMax', [x.name], { axis: 1, keepdims: 0 })], { to: 6 })];
};

/**
 * The same without ArgMax (see LoweringOptions): the smallest column index whose value equals
 * the row's maximum, as ReduceMin over the indices where it does (C elsewhere).
 */
function argmaxByMax(e: Emit, x: string, columns: number): string {
  const top = e.g.op('ReduceMax', [x], { axes: [1], keepdims: 1 });
  const cols = e.g.fresh('cols');
  e.g.initializers.push(
    floatTensor(
      cols,
      [columns],
      Float32Array.from({ length: columns }, (_, i) => i),
    ),
  );
  const at = e.g.op('Where', [e.g.op('Equal', [x, top]), cols, e.constF(columns)]);
  const first = e.g.op('ReduceMin', [at], { axes: [1], keepdims: 0 });
  return e.g.op('Cast', [first], { to: 6 });
}
