import { fexp } from './fastmath.js';
/** Row-wise softmax / log-softmax of [n, c], max-shifted for stability. */
export function softmaxRows(x: Float32Array, n: number, c: number, log: boolean): Float32Array {
  const out = new Float32Array(n * c);
  for (let r = 0; r < n; r++) {
    const o = r * c;
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < c; j++) s += fexp(x[o + j] - m);
    if (log) {
      const lse = m + Math.log(s);
      for (let j = 0; j < c; j++) out[o + j] = x[o + j] - lse;
    } else {
      for (let j = 0; j < c; j++) out[o + j] = fexp(x[o + j] - m) / s;
    }
  }
  return out;
}

function checkLabel(y: number, c: number, r: number): void {
  if (y < 0 || y >= c)
    throw new RangeError(`softmaxCrossEntropy: label ${y} in row ${r} is outside [0, ${c})`);
}

/** Per-row −log softmax(x)[label]. */
export function crossEntropy(
  x: Float32Array,
  n: number,
  c: number,
  labels: Int32Array,
): Float32Array {
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const o = r * c;
    const y = labels[r];
    checkLabel(y, c, r);
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < c; j++) s += fexp(x[o + j] - m);
    out[r] = m + Math.log(s) - x[o + y];
  }
  return out;
}

/** (softmax(x) − onehot(label))·dloss per row. */
export function crossEntropyGrad(
  x: Float32Array,
  n: number,
  c: number,
  labels: Int32Array,
  dloss: Float32Array,
): Float32Array {
  const out = new Float32Array(n * c);
  for (let r = 0; r < n; r++) {
    const o = r * c;
    const y = labels[r];
    checkLabel(y, c, r);
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < c; j++) s += fexp(x[o + j] - m);
    const g = dloss[r];
    const inv = 1 / s;
    for (let j = 0; j < c; j++) out[o + j] = fexp(x[o + j] - m) * inv * g;
    out[o + y] -= g;
  }
  return out;
}
