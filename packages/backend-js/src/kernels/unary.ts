import { fsigmoid, ftanh } from './fastmath.js';
/** Elementwise kernels on Float32Array; each returns a new array. */

export function map(x: Float32Array, f: (v: number) => number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(x[i]);
  return out;
}

export function sigmoidInto(x: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = fsigmoid(x[i]);
  return out;
}

export function tanhInto(x: Float32Array, out: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = ftanh(x[i]);
  return out;
}

export function affine(x: Float32Array, a: number, b: number): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = a * x[i] + b;
  return out;
}

export function tanhGrad(y: Float32Array, dy: Float32Array): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = dy[i] * (1 - y[i] * y[i]);
  return out;
}

export function sigmoidGrad(y: Float32Array, dy: Float32Array): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = dy[i] * y[i] * (1 - y[i]);
  return out;
}

export function reluGrad(x: Float32Array, dy: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] > 0 ? dy[i] : 0;
  return out;
}
