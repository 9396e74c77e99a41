import { RnnkitError, sizeOf, stridesOf } from '@rnnkit/core';

/**
 * Integer (and bool) values of a graph, kept on the host: shapes, axes, indices. They are small
 * (torch.onnx.export's shape arithmetic, token ids), so plain number arrays suffice.
 */
export interface IntArray {
  kind: 'int';
  dtype: 'int64' | 'int32' | 'bool';
  shape: number[];
  data: number[];
}

export function intArray(
  data: number[],
  shape: number[] = [data.length],
  dtype: IntArray['dtype'] = 'int64',
): IntArray {
  return { kind: 'int', dtype, shape, data };
}

export { sizeOf };

/** Out[i] = src[index(i)]: builds a host array from a multi-index map (for layout ops). */
function mapIndex(outShape: number[], src: IntArray, f: (idx: number[]) => number): IntArray {
  const n = sizeOf(outShape);
  const data = new Array<number>(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    data[i] = src.data[f(idx)];
    for (let a = outShape.length - 1; a >= 0; a--) {
      if (++idx[a] < outShape[a]) break;
      idx[a] = 0;
    }
  }
  return { kind: 'int', dtype: src.dtype, shape: outShape, data };
}

export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw new RnnkitError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function hostTranspose(x: IntArray, perm: number[]): IntArray {
  const st = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]);
  return mapIndex(outShape, x, (idx) => idx.reduce((o, v, a) => o + v * st[perm[a]], 0));
}

export function hostGather(x: IntArray, indices: IntArray, axis: number): IntArray {
  const ax = normAxis('Gather', axis, x.shape.length);
  const st = stridesOf(x.shape);
  const n = x.shape[ax];
  const outShape = [...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)];
  const ir = indices.shape.length;
  const ist = stridesOf(indices.shape);
  return mapIndex(outShape, x, (idx) => {
    let k = 0;
    for (let j = 0; j < ir; j++) k += idx[ax + j] * ist[j];
    let g = indices.data[k];
    if (g < 0) g += n;
    let o = g * st[ax];
    for (let a = 0; a < ax; a++) o += idx[a] * st[a];
    for (let a = ax + 1; a < x.shape.length; a++) o += idx[a + ir - 1] * st[a];
    return o;
  });
}

export function hostConcat(xs: IntArray[], axis: number): IntArray {
  const rank = xs[0].shape.length;
  const ax = normAxis('Concat', axis, rank);
  const outShape = [...xs[0].shape];
  outShape[ax] = xs.reduce((a, x) => a + x.shape[ax], 0);
  const outer = sizeOf(outShape.slice(0, ax));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const inner = sizeOf(x.shape.slice(ax));
      data.push(...x.data.slice(o * inner, (o + 1) * inner));
    }
  }
  return { kind: 'int', dtype: xs[0].dtype, shape: outShape, data };
}

/** ONNX Slice semantics (clamped starts/ends, any non-zero step). */
export function sliceRanges(
  shape: readonly number[],
  starts: number[],
  ends: number[],
  axes: number[] | undefined,
  steps: number[] | undefined,
): { start: number; step: number; count: number }[] {
  const r = shape.map((d) => ({ start: 0, step: 1, count: d }));
  const ax = axes ?? starts.map((_, i) => i);
  ax.forEach((a0, i) => {
    const a = normAxis('Slice', a0, shape.length);
    const d = shape[a];
    const step = steps?.[i] ?? 1;
    if (step === 0) throw new RnnkitError('Slice: steps must not be 0');
    let s = starts[i];
    let e = ends[i];
    if (s < 0) s += d;
    if (e < 0) e += d;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), d);
      e = Math.min(Math.max(e, 0), d);
    } else {
      s = Math.min(Math.max(s, -1), d - 1);
      e = Math.min(Math.max(e, -1), d - 1);
    }
    const count =
      step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
    r[a] = { start: s, step, count };
  });
  return r;
}

export function hostSlice(x: IntArray, ranges: ReturnType<typeof sliceRanges>): IntArray {
  const st = stridesOf(x.shape);
  return mapIndex(
    ranges.map((r) => r.count),
    x,
    (idx) => idx.reduce((o, v, a) => o + (ranges[a].start + v * ranges[a].step) * st[a], 0),
  );
}

export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new RnnkitError(
        `${op}: shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`,
      );
    out.push(x === 1 ? y : x);
  }
  return out;
}

export function hostExpand(x: IntArray, shape: number[]): IntArray {
  const out = broadcastShape('Expand', x.shape, shape);
  const st = stridesOf(x.shape);
  const off = out.length - x.shape.length;
  return mapIndex(out, x, (idx) => {
    let o = 0;
    for (let a = 0; a < x.shape.length; a++) o += (x.shape[a] === 1 ? 0 : idx[a + off]) * st[a];
    return o;
  });
}

export function hostBinary(
  op: string,
  a: IntArray,
  b: IntArray,
  f: (x: number, y: number) => number,
): IntArray {
  const shape = broadcastShape(op, a.shape, b.shape);
  const ea = hostExpand(a, shape);
  const eb = hostExpand(b, shape);
  return {
    kind: 'int',
    dtype: a.dtype,
    shape,
    data: ea.data.map((x, i) => f(x, eb.data[i])),
  };
}
