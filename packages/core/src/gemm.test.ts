import { describe, expect, it } from 'vitest';
import { matmul } from './gemm.js';

/** Deterministic values in [-1, 1). */
function randomArray(len: number, seed: number): Float32Array {
  const x = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2147483648 - 1;
  }
  return x;
}

interface Reference {
  /** op(A)·op(B) in float64. */
  value: Float64Array;
  /** Σ_p |op(A)_ip·op(B)_pj|: the scale that float rounding errors are relative to. */
  scale: Float64Array;
}

/** Naive float64 reference, reading A and B through the transpose flags. */
function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): Reference {
  const value = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        s += x * y;
        abs += Math.abs(x * y);
      }
      value[i * n + j] = s;
      scale[i * n + j] = abs;
    }
  }
  return { value, scale };
}

const REL_TOL = 1e-5;

/**
 * Index of the first element of `got` outside the tolerance, or -1.
 * |got - want| must be <= 1e-5 · (|want| + Σ|products|) (+ |initial out| when accumulating).
 */
function firstMismatch(
  got: Float32Array,
  want: Float64Array,
  scale: Float64Array,
  prior?: Float32Array,
): number {
  for (let i = 0; i < want.length; i++) {
    const w = want[i] + (prior ? prior[i] : 0);
    const tol = REL_TOL * (Math.abs(w) + scale[i] + (prior ? Math.abs(prior[i]) : 0)) + 1e-30;
    if (!(Math.abs(got[i] - w) <= tol)) return i;
  }
  return -1;
}

const COMBOS: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

const name = (tA: boolean, tB: boolean) => `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'}`;

// [m, k, n]: odd sizes, edge panels (m or n not multiple of 4), the small-m and n = 1 paths,
// k crossing the k-block (256), m crossing the m-block (256), n crossing the n-block (1024).
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 33, 9],
  [5, 1, 64],
  [64, 3, 1],
  [4, 4, 4],
  [8, 16, 12],
  [6, 10, 5],
  [7, 13, 2],
  [2, 9, 3],
  [1, 40, 37],
  [3, 70, 1],
  [1, 300, 1],
  [13, 300, 11],
  [9, 513, 6],
  [261, 7, 10],
  [5, 6, 1030],
  [32, 128, 64],
  // depth 1-4 with several rows: the direct small-k path
  [40, 1, 33],
  [12, 2, 20],
  [9, 3, 17],
  [16, 4, 8],
];

describe('matmul against a naive float64 reference', () => {
  for (const [m, k, n] of SHAPES) {
    for (const [tA, tB] of COMBOS) {
      it(`${m}x${k}x${n} ${name(tA, tB)}`, () => {
        const a = randomArray(m * k, 1 + m * 7 + k);
        const b = randomArray(k * n, 2 + n * 13 + k);
        const ref = reference(a, b, m, k, n, tA, tB);

        // Plain product: out starts as garbage (NaN) and must be fully overwritten.
        const out = new Float32Array(m * n).fill(Number.NaN);
        const ret = matmul(a, b, m, k, n, tA, tB, out);
        expect(ret).toBe(out);
        expect(firstMismatch(out, ref.value, ref.scale)).toBe(-1);

        // accumulate = true adds onto what is already in out.
        const prior = randomArray(m * n, 3 + m + n);
        const acc = prior.slice();
        matmul(a, b, m, k, n, tA, tB, acc, true);
        expect(firstMismatch(acc, ref.value, ref.scale, prior)).toBe(-1);

        // accumulate = false explicitly also overwrites.
        const again = prior.slice();
        matmul(a, b, m, k, n, tA, tB, again, false);
        expect(firstMismatch(again, ref.value, ref.scale)).toBe(-1);
      });
    }
  }
});

describe('matmul details', () => {
  it('computes a small product exactly (all four layouts of the same operands)', () => {
    // A = [[1, 2, 3], [4, 5, 6]] (2x3), B = [[7, 8], [9, 10], [11, 12]] (3x2)
    const aN = Float32Array.of(1, 2, 3, 4, 5, 6);
    const aT = Float32Array.of(1, 4, 2, 5, 3, 6);
    const bN = Float32Array.of(7, 8, 9, 10, 11, 12);
    const bT = Float32Array.of(7, 9, 11, 8, 10, 12);
    const want = [58, 64, 139, 154];
    for (const [tA, tB] of COMBOS) {
      const out = new Float32Array(4);
      matmul(tA ? aT : aN, tB ? bT : bN, 2, 3, 2, tA, tB, out);
      expect(Array.from(out)).toEqual(want);
    }
    // Same product on the packed path: 4 identical row blocks stacked (8x3 · 3x2).
    const a8 = new Float32Array(24);
    for (let r = 0; r < 4; r++) a8.set(aN, r * 6);
    const out8 = new Float32Array(16);
    matmul(a8, bN, 8, 3, 2, false, false, out8);
    expect(Array.from(out8)).toEqual([...want, ...want, ...want, ...want]);
  });

  it('does not write past m*n elements of out', () => {
    for (const [m, k, n] of [
      [5, 7, 6],
      [2, 7, 6],
      [9, 4, 1],
    ] as const) {
      for (const [tA, tB] of COMBOS) {
        const out = new Float32Array(m * n + 8).fill(123);
        matmul(randomArray(m * k, 5), randomArray(k * n, 6), m, k, n, tA, tB, out);
        expect(Array.from(out.subarray(m * n))).toEqual(new Array(8).fill(123));
      }
    }
  });

  it('k = 0 gives zeros, or leaves out unchanged when accumulating', () => {
    const out = new Float32Array(6).fill(5);
    matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3, false, false, out, true);
    expect(Array.from(out)).toEqual([5, 5, 5, 5, 5, 5]);
    matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3, false, false, out);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('stays correct when scratch buffers are reused across shapes', () => {
    const shapes: Array<[number, number, number]> = [
      [40, 300, 50],
      [6, 5, 7],
      [40, 300, 50],
      [9, 20, 11],
    ];
    for (const [m, k, n] of shapes) {
      for (const [tA, tB] of COMBOS) {
        const a = randomArray(m * k, m + k);
        const b = randomArray(k * n, k + n);
        const ref = reference(a, b, m, k, n, tA, tB);
        const out = new Float32Array(m * n);
        matmul(a, b, m, k, n, tA, tB, out);
        expect(firstMismatch(out, ref.value, ref.scale)).toBe(-1);
      }
    }
  });

  it('accumulates weight gradients over time steps (TN, accumulate)', () => {
    // dW (128x64) += x_t^T (128 x batch)^T... : sum over 5 steps of (8x128)^T·(8x64).
    const m = 128;
    const n = 64;
    const batch = 8;
    const want = new Float64Array(m * n);
    const scale = new Float64Array(m * n);
    const out = new Float32Array(m * n);
    for (let t = 0; t < 5; t++) {
      const x = randomArray(batch * m, 100 + t);
      const g = randomArray(batch * n, 200 + t);
      matmul(x, g, m, batch, n, true, false, out, t > 0);
      const ref = reference(x, g, m, batch, n, true, false);
      for (let i = 0; i < want.length; i++) {
        want[i] += ref.value[i];
        scale[i] += ref.scale[i];
      }
    }
    expect(firstMismatch(out, want, scale)).toBe(-1);
  });

  it('the comparison rejects a slightly wrong result', () => {
    const [m, k, n] = [17, 33, 9];
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    const ref = reference(a, b, m, k, n, false, false);
    const out = new Float32Array(m * n);
    matmul(a, b, m, k, n, false, false, out);
    expect(firstMismatch(out, ref.value, ref.scale)).toBe(-1);
    out[m * n - 1] += 1e-3 * (ref.scale[m * n - 1] + 1);
    expect(firstMismatch(out, ref.value, ref.scale)).toBe(m * n - 1);
  });

  it('rejects operands that are too short', () => {
    const out = new Float32Array(4);
    expect(() =>
      matmul(new Float32Array(3), new Float32Array(4), 2, 2, 2, false, false, out),
    ).toThrow(RangeError);
    expect(() =>
      matmul(new Float32Array(4), new Float32Array(3), 2, 2, 2, false, false, out),
    ).toThrow(RangeError);
    expect(() =>
      matmul(new Float32Array(4), new Float32Array(4), 2, 2, 2, false, false, new Float32Array(3)),
    ).toThrow(RangeError);
  });

  it('overwrites (does not read) the output when not accumulating, on every path', () => {
    for (const [m, k, n] of [
      [40, 1, 33],
      [16, 4, 8],
      [2, 9, 3],
      [32, 128, 64],
    ]) {
      for (const transA of [false, true]) {
        const a = randomArray(m * k, 7);
        const b = randomArray(k * n, 8);
        const out = new Float32Array(m * n).fill(Number.NaN);
        matmul(a, b, m, k, n, transA, false, out);
        expect(out.every(Number.isFinite)).toBe(true);
      }
    }
  });
});
