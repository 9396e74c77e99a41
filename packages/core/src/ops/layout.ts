import { fmtShape, ShapeError } from '../errors.js';
import { normAxis, sizeOf } from '../shape.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, wrap } from './util.js';

/** Same values, new shape; one dimension may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = [...shape];
  const infer = s.indexOf(-1);
  if (infer >= 0) {
    const rest = sizeOf(s.filter((_, i) => i !== infer));
    s[infer] = rest === 0 ? 0 : x.size / rest;
  }
  if (sizeOf(s) !== x.size || s.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(
      `reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`,
    );
  }
  if (s.length === x.rank && s.every((d, i) => d === x.shape[i])) return x;
  const y = wrap(x.backend, x.backend.reshape(x, s), s, x.dtype);
  record([x], [y], ([dy]) => [reshape(dy, x.shape)]);
  return y;
}

/** Permutes axes; the default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new ShapeError(
      `transpose: perm [${p.join(', ')}] is not a permutation of the ${x.rank} axes of ${fmtShape(x.shape)}`,
    );
  }
  const shape = p.map((a) => x.shape[a]);
  const y = wrap(x.backend, x.backend.transpose(x, p), shape, x.dtype);
  record([x], [y], ([dy]) => {
    const inv = new Array<number>(p.length);
    p.forEach((a, i) => {
      inv[a] = i;
    });
    return [transpose(dy, inv)];
  });
  return y;
}

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('concat: needs at least one tensor');
  const be = backendOf('concat', ...xs);
  const first = xs[0];
  const ax = normAxis('concat', axis, first.rank);
  let total = 0;
  for (const x of xs) {
    const ok =
      x.rank === first.rank &&
      x.dtype === first.dtype &&
      x.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) {
      throw new ShapeError(
        `concat: shapes ${xs.map((t) => fmtShape(t.shape)).join(', ')} differ outside axis ${ax}; all other dimensions must match`,
      );
    }
    total += x.shape[ax];
  }
  if (xs.length === 1) return first;
  const shape = first.shape.map((d, i) => (i === ax ? total : d));
  const y = wrap(be, be.concat(xs, ax, shape), shape, first.dtype);
  record(xs, [y], ([dy]) => {
    let off = 0;
    return xs.map((x) => {
      const begin = dy.shape.map((_, i) => (i === ax ? off : 0));
      off += x.shape[ax];
      return slice(dy, begin, x.shape);
    });
  });
  return y;
}

/** The block starting at `begin` with extent `size` (−1 means to the end). */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  if (begin.length !== x.rank || (size && size.length !== x.rank)) {
    throw new ShapeError(`slice: begin/size must have one entry per axis of ${fmtShape(x.shape)}`);
  }
  const sz = x.shape.map((d, i) => (size === undefined || size[i] === -1 ? d - begin[i] : size[i]));
  for (let i = 0; i < x.rank; i++) {
    if (begin[i] < 0 || sz[i] < 0 || begin[i] + sz[i] > x.shape[i]) {
      throw new ShapeError(
        `slice: begin [${begin.join(', ')}] size [${sz.join(', ')}] is outside ${fmtShape(x.shape)} on axis ${i}`,
      );
    }
  }
  if (sz.every((d, i) => d === x.shape[i])) return x;
  const y = wrap(x.backend, x.backend.slice(x, begin, sz), sz, x.dtype);
  record([x], [y], ([dy]) => [padTo(dy, begin, x.shape)]);
  return y;
}

/** Places `x` at `begin` inside zeros of `shape` (the adjoint of slice). */
function padTo(x: Tensor, begin: readonly number[], shape: readonly number[]): Tensor {
  const be = x.backend;
  let cur = x;
  for (let ax = 0; ax < shape.length; ax++) {
    const before = begin[ax];
    const after = shape[ax] - before - cur.shape[ax];
    if (before === 0 && after === 0) continue;
    const parts: Tensor[] = [];
    const block = (n: number) => {
      const s = cur.shape.map((d, i) => (i === ax ? n : d));
      return wrap(be, be.fill(s, 0, x.dtype), s, x.dtype);
    };
    if (before > 0) parts.push(block(before));
    parts.push(cur);
    if (after > 0) parts.push(block(after));
    cur = concat(parts, ax);
  }
  return cur;
}

/** Inserts a size-1 axis. */
export function expandDims(x: Tensor, axis: number): Tensor {
  const ax = axis < 0 ? axis + x.rank + 1 : axis;
  const s = [...x.shape];
  s.splice(ax, 0, 1);
  return reshape(x, s);
}

/** Removes size-1 axes (all, or the one given). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis !== undefined) {
    const ax = normAxis('squeeze', axis, x.rank);
    if (x.shape[ax] !== 1)
      throw new ShapeError(`squeeze: axis ${axis} of ${fmtShape(x.shape)} is not 1`);
    return reshape(
      x,
      x.shape.filter((_, i) => i !== ax),
    );
  }
  return reshape(
    x,
    x.shape.filter((d) => d !== 1),
  );
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new ShapeError('stack: needs at least one tensor');
  for (const x of xs) {
    if (x.rank !== xs[0].rank || x.shape.some((d, i) => d !== xs[0].shape[i])) {
      throw new ShapeError(`stack: shapes differ: ${xs.map((t) => fmtShape(t.shape)).join(', ')}`);
    }
  }
  const be = backendOf('stack', ...xs);
  if (be.stack && normAxis('stack', axis, xs[0].rank + 1) === 0 && xs.length > 1) {
    if (xs.some((x) => x.dtype !== xs[0].dtype))
      throw new ShapeError(`stack: dtypes differ: ${xs.map((x) => x.dtype).join(', ')}`);
    const shape = [xs.length, ...xs[0].shape];
    const y = wrap(be, be.stack(xs), shape, xs[0].dtype);
    record(xs, [y], ([dy]) => unstack(dy, 0));
    return y;
  }
  return concat(
    xs.map((x) => expandDims(x, axis)),
    axis,
  );
}

/**
 * Splits along an axis into tensors with that axis removed. Recorded as one op whose gradient
 * stacks the pieces' gradients, so a loop over T slices costs O(T), not O(T²) zero-padding.
 */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  const ax = normAxis('unstack', axis, x.rank);
  const n = x.shape[ax];
  const size = x.shape.map((d, i) => (i === ax ? 1 : d));
  const outShape = x.shape.filter((_, i) => i !== ax);
  const be = x.backend;
  if (be.unstack && ax === 0 && n > 1) {
    const out = be.unstack(x).map((s) => wrap(be, s, outShape, x.dtype));
    record([x], out, (dys) => [stack(dys, ax)]);
    return out;
  }
  const out: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    const begin = x.shape.map((_, i) => (i === ax ? k : 0));
    const piece = wrap(be, n === 1 ? be.copy(x) : be.slice(x, begin, size), size, x.dtype);
    out.push(wrap(be, be.reshape(piece, outShape), outShape, x.dtype));
    piece.dispose();
  }
  record([x], out, (dys) => [stack(dys, ax)]);
  return out;
}
