import type { Backend } from './backend.js';
import type { Shape } from './dtype.js';
import { fmtShape, ShapeError } from './errors.js';
import { tensor } from './ops/creation.js';
import { getBackend } from './registry.js';
import { defaultRng, type Rng } from './rng.js';
import { sizeOf } from './shape.js';
import type { Tensor } from './tensor.js';

export interface InitOptions {
  rng?: Rng;
  backend?: Backend;
}

/** Uniform in [lo, hi). */
export function uniform(shape: Shape, lo: number, hi: number, o: InitOptions = {}): Tensor {
  const rng = o.rng ?? defaultRng;
  return tensor(
    rng.uniformArray(sizeOf(shape), lo, hi),
    shape,
    'float32',
    o.backend ?? getBackend(),
  );
}

/** Normal with the given mean and standard deviation. */
export function normal(shape: Shape, mean = 0, std = 1, o: InitOptions = {}): Tensor {
  const rng = o.rng ?? defaultRng;
  return tensor(
    rng.normalArray(sizeOf(shape), mean, std),
    shape,
    'float32',
    o.backend ?? getBackend(),
  );
}

/** PyTorch's recurrent-layer default: uniform(−1/√hidden, 1/√hidden). */
export function rnnUniform(shape: Shape, hiddenSize: number, o: InitOptions = {}): Tensor {
  const k = 1 / Math.sqrt(hiddenSize);
  return uniform(shape, -k, k, o);
}

/** Xavier/Glorot uniform for a [fanOut, fanIn] weight: bound gain·√(6/(fanIn+fanOut)). */
export function xavierUniform(shape: Shape, gain = 1, o: InitOptions = {}): Tensor {
  if (shape.length !== 2)
    throw new ShapeError(`xavierUniform: expects a 2-D shape, got ${fmtShape(shape)}`);
  const [fanOut, fanIn] = shape;
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform(shape, -a, a, o);
}

/**
 * Orthogonal initialisation (Saxe et al. 2014) for a [rows, cols] weight: the rows (or columns,
 * whichever are fewer) are orthonormal, scaled by `gain`. Gram–Schmidt in float64 on a normal matrix.
 */
export function orthogonal(shape: Shape, gain = 1, o: InitOptions = {}): Tensor {
  if (shape.length !== 2)
    throw new ShapeError(`orthogonal: expects a 2-D shape, got ${fmtShape(shape)}`);
  const rng = o.rng ?? defaultRng;
  const [rows, cols] = shape;
  const tall = rows >= cols;
  const n = tall ? rows : cols; // vector length
  const k = tall ? cols : rows; // number of orthonormal vectors
  const vecs: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (const u of vecs) {
        let d = 0;
        for (let i = 0; i < n; i++) d += u[i] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] /= norm;
    vecs.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (tall ? vecs[c][r] : vecs[r][c]);
  }
  return tensor(out, shape, 'float32', o.backend ?? getBackend());
}
