/**
 * Float64 reference implementations in plain JS numbers. They are deliberately naive (one loop
 * per element, index arithmetic spelled out) so that they are easy to check by eye; the suite
 * compares every backend against them.
 */

import { sizeOf, stridesOf } from '@rnnkit/core';

// shape arithmetic is core's; the kernels below are the reference
export { sizeOf, stridesOf };

/** A dense row-major array of float64 numbers. */
export interface Arr {
  shape: number[];
  data: number[];
}

export function arr(data: readonly number[], shape: readonly number[]): Arr {
  if (sizeOf(shape) !== data.length) {
    throw new Error(`reference: ${data.length} values for shape [${shape.join(', ')}]`);
  }
  return { shape: [...shape], data: [...data] };
}

/** Multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    idx[ax] = i % shape[ax];
    i = Math.floor(i / shape[ax]);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let ax = 0; ax < shape.length; ax++) o = o * shape[ax] + idx[ax];
  return o;
}

// --- seeded values ------------------------------------------------------------------------------

/** mulberry32: a tiny deterministic PRNG, so every backend sees the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [lo, hi), rounded to float32 so the reference sees exactly what the backend sees. */
export function rand(shape: readonly number[], seed: number, lo = -1, hi = 1): Arr {
  const r = rng(seed);
  const data = Array.from({ length: sizeOf(shape) }, () => Math.fround(lo + (hi - lo) * r()));
  return { shape: [...shape], data };
}

/**
 * Uniform values in [lo, hi) that stay at least `margin` away from every point in `kinks`
 * (and, when `distinct` is set, at least `margin` away from each other): inputs for relu, abs,
 * clip, maximum and max where finite differences must not straddle a kink or a tie.
 */
export function randAway(
  shape: readonly number[],
  seed: number,
  lo: number,
  hi: number,
  kinks: readonly number[],
  margin = 0.05,
  distinct = false,
): Arr {
  const r = rng(seed);
  const data: number[] = [];
  const n = sizeOf(shape);
  for (let tries = 0; data.length < n; tries++) {
    if (tries > 100000) throw new Error('randAway: cannot place values; widen the range');
    const v = Math.fround(lo + (hi - lo) * r());
    if (kinks.some((k) => Math.abs(v - k) < margin)) continue;
    if (distinct && data.some((u) => Math.abs(u - v) < margin)) continue;
    data.push(v);
  }
  return { shape: [...shape], data };
}

// --- elementwise --------------------------------------------------------------------------------

export function map(a: Arr, f: (v: number) => number): Arr {
  return { shape: [...a.shape], data: a.data.map(f) };
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error('reference: shapes do not broadcast');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The element of `a` that broadcasts to multi-index `idx` of the (larger-rank) output. */
function broadcastAt(a: Arr, idx: readonly number[]): number {
  const off = idx.length - a.shape.length;
  const own = a.shape.map((d, i) => (d === 1 ? 0 : idx[off + i]));
  return a.data[ravel(own, a.shape)];
}

export function binary(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  const shape = broadcastShape(a.shape, b.shape);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const idx = unravel(i, shape);
    data.push(f(broadcastAt(a, idx), broadcastAt(b, idx)));
  }
  return { shape, data };
}

export function broadcastTo(a: Arr, shape: readonly number[]): Arr {
  return binary(a, { shape: [...shape], data: new Array(sizeOf(shape)).fill(0) }, (x) => x);
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

// --- reductions ---------------------------------------------------------------------------------

export function reduce(a: Arr, axes: readonly number[], op: 'sum' | 'max', keepDims = false): Arr {
  const ax = axes.map((x) => (x < 0 ? x + a.shape.length : x));
  const kept = a.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Array<number>(sizeOf(kept)).fill(op === 'sum' ? 0 : Number.NEGATIVE_INFINITY);
  for (let i = 0; i < a.data.length; i++) {
    const idx = unravel(i, a.shape).map((v, k) => (ax.includes(k) ? 0 : v));
    const o = ravel(idx, kept);
    out[o] = op === 'sum' ? out[o] + a.data[i] : Math.max(out[o], a.data[i]);
  }
  const shape = keepDims ? kept : a.shape.filter((_, i) => !ax.includes(i));
  return { shape, data: out };
}

// --- layout -------------------------------------------------------------------------------------

export function reshape(a: Arr, shape: readonly number[]): Arr {
  return { shape: [...shape], data: [...a.data] };
}

export function transpose(a: Arr, perm: readonly number[]): Arr {
  const shape = perm.map((p) => a.shape[p]);
  const data: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    const oi = unravel(i, shape);
    const src = new Array<number>(perm.length);
    perm.forEach((p, k) => {
      src[p] = oi[k];
    });
    data.push(a.data[ravel(src, a.shape)]);
  }
  return { shape, data };
}

export function concat(xs: readonly Arr[], axis: number): Arr {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const data = new Array<number>(sizeOf(shape));
  let off = 0;
  for (const x of xs) {
    for (let i = 0; i < x.data.length; i++) {
      const idx = unravel(i, x.shape);
      idx[axis] += off;
      data[ravel(idx, shape)] = x.data[i];
    }
    off += x.shape[axis];
  }
  return { shape, data };
}

export function slice(a: Arr, begin: readonly number[], size: readonly number[]): Arr {
  const data: number[] = [];
  for (let i = 0; i < sizeOf(size); i++) {
    const idx = unravel(i, size).map((v, k) => v + begin[k]);
    data.push(a.data[ravel(idx, a.shape)]);
  }
  return { shape: [...size], data };
}

export function stack(xs: readonly Arr[], axis: number): Arr {
  return concat(
    xs.map((x) => {
      const s = [...x.shape];
      s.splice(axis, 0, 1);
      return reshape(x, s);
    }),
    axis,
  );
}

export function unstack(a: Arr, axis: number): Arr[] {
  const out: Arr[] = [];
  for (let k = 0; k < a.shape[axis]; k++) {
    const begin = a.shape.map((_, i) => (i === axis ? k : 0));
    const size = a.shape.map((d, i) => (i === axis ? 1 : d));
    out.push(
      reshape(
        slice(a, begin, size),
        a.shape.filter((_, i) => i !== axis),
      ),
    );
  }
  return out;
}

// --- linear algebra, embeddings, softmax --------------------------------------------------------

export function matmul(a: Arr, b: Arr, transA = false, transB = false): Arr {
  const A = transA ? transpose(a, [1, 0]) : a;
  const B = transB ? transpose(b, [1, 0]) : b;
  const [m, k] = A.shape;
  const n = B.shape[1];
  if (B.shape[0] !== k) throw new Error('reference matmul: inner dimensions differ');
  const data = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A.data[i * k + p] * B.data[p * n + j];
      data[i * n + j] = s;
    }
  }
  return { shape: [m, n], data };
}

export function gather(table: Arr, indices: readonly number[]): Arr {
  const d = table.shape[1];
  const data: number[] = [];
  for (const r of indices) data.push(...table.data.slice(r * d, (r + 1) * d));
  return { shape: [indices.length, d], data };
}

export function scatterAdd(indices: readonly number[], updates: Arr, numRows: number): Arr {
  const d = updates.shape[1];
  const data = new Array<number>(numRows * d).fill(0);
  indices.forEach((r, i) => {
    for (let j = 0; j < d; j++) data[r * d + j] += updates.data[i * d + j];
  });
  return { shape: [numRows, d], data };
}

/** Softmax (or log-softmax) over the last axis, max-shifted. */
export function softmax(a: Arr, log = false): Arr {
  const c = a.shape[a.shape.length - 1];
  const data: number[] = [];
  for (let o = 0; o < a.data.length; o += c) {
    const row = a.data.slice(o, o + c);
    const m = Math.max(...row);
    const s = row.reduce((acc, v) => acc + Math.exp(v - m), 0);
    for (const v of row) data.push(log ? v - m - Math.log(s) : Math.exp(v - m) / s);
  }
  return { shape: [...a.shape], data };
}

/** −log softmax(logits)[label] per row; logits [..., C], labels one per row. */
export function crossEntropy(logits: Arr, labels: readonly number[]): Arr {
  const c = logits.shape[logits.shape.length - 1];
  const ls = softmax(logits, true);
  const data = labels.map((y, r) => -ls.data[r * c + y]);
  return { shape: logits.shape.slice(0, -1), data };
}

/** (softmax(logits) − onehot(labels))·dloss per row. */
export function crossEntropyGrad(
  logits: Arr,
  labels: readonly number[],
  dloss: readonly number[],
): Arr {
  const c = logits.shape[logits.shape.length - 1];
  const p = softmax(logits);
  const data = p.data.map((v, i) => {
    const r = Math.floor(i / c);
    return (v - (i % c === labels[r] ? 1 : 0)) * dloss[r];
  });
  return { shape: [...logits.shape], data };
}

// --- finite differences -------------------------------------------------------------------------

/** Central differences of a scalar function of several arrays, in float64. */
export function numericGrad(f: (xs: Arr[]) => number, xs: readonly Arr[], eps = 1e-6): number[][] {
  const work = xs.map((x) => ({ shape: [...x.shape], data: [...x.data] }));
  return work.map((x) =>
    x.data.map((v, j) => {
      x.data[j] = v + eps;
      const fp = f(work);
      x.data[j] = v - eps;
      const fm = f(work);
      x.data[j] = v;
      return (fp - fm) / (2 * eps);
    }),
  );
}

/** Σ a·w over matching elements. */
export function dot(a: readonly number[], w: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * w[i];
  return s;
}
