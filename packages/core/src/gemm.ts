/**
 * Single-threaded float32 GEMM on host arrays (`@rnnkit/core/gemm`): the JS backend's matmul,
 * and tfjs-cpu's products in @rnnkit/backend-tfjs. It lives in core so that backends share it
 * while importing only core.
 *
 * Strategy (GotoBLAS-style, scaled down for V8):
 *  - The k dimension is split into blocks of KC, n into blocks of NC and m into blocks of MC.
 *  - For each (k, n) block the B block is packed into a float64 scratch buffer as column panels
 *    of NR = 4 columns ("k-major" inside a panel: [p][jj]); for each (k, m) block the A block is
 *    packed as row panels of MR = 4 rows ([p][ii]).  Panels at the matrix edge are zero-padded.
 *  - Packing is where the transpose flags are resolved, so all four combinations (NN, NT, TN, TT)
 *    run the very same inner kernel; each packing routine reads its source contiguously.
 *  - Fewer than 4 rows (and n = 1, by transposing the problem) take a row path that streams B
 *    once per row without packing: there packing would cost as much as the product itself.
 *  - The 4x4 micro-kernel keeps 16 float64 accumulators in locals and streams both packed panels
 *    linearly (8 loads per 16 multiply-adds).  Packing to Float64Array avoids float32->float64
 *    conversions in the hot loop (faster than float32 panels; tooling/bench/README.md).
 *
 * Scratch buffers are module-level and grow only; a call allocates nothing once they are large
 * enough.  Their size is bounded by the block sizes (at most ~2.6 MB together).
 */

const MR = 4;
const NR = 4;
/** Depth of a k block: a 4-wide panel of KC float64 values is 8 KiB, so an A and a B panel sit in L1. */
const KC = 256;
/** Rows of A per packed block (MC x KC float64 = 512 KiB, L2-resident). */
const MC = 256;
/** Columns of B per packed block (KC x NC float64 = 2 MiB). */
const NC = 1024;

/** Below this many rows of op(A), the row path (no packing of B) is used. */
const SMALL_M = 4;
/**
 * Up to this depth a direct loop is used: a product with k = 1 (the outer products of a batch-1
 * weight gradient) would otherwise pack both operands and run a 4x4 tile per 16 products.
 */
const SMALL_K = 4;

let packA = new Float64Array(0);
let packB = new Float64Array(0);
/** 4x4 result tile of the micro-kernel. */
const tile = new Float64Array(MR * NR);

/**
 * out[m x n] = op(A) * op(B)  (+ out when `accumulate`), all row-major float32.
 *
 * op(A) is m x k: A is stored m x k, or k x m when `transA`.
 * op(B) is k x n: B is stored k x n, or n x k when `transB`.
 * `out` must not alias `a` or `b`.  Returns `out`.
 */
export function matmul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  out: Float32Array,
  accumulate = false,
): Float32Array {
  if (m <= 0 || n <= 0) return out;
  if (k <= 0) {
    if (!accumulate) out.fill(0, 0, m * n);
    return out;
  }
  if (a.length < m * k) throw new RangeError(`matmul: a has ${a.length} elements, need ${m * k}`);
  if (b.length < k * n) throw new RangeError(`matmul: b has ${b.length} elements, need ${k * n}`);
  if (out.length < m * n) {
    throw new RangeError(`matmul: out has ${out.length} elements, need ${m * n}`);
  }

  if (k <= SMALL_K && !transB) return matmulSmallK(a, b, m, k, n, transA, out, accumulate);
  if (m < SMALL_M) return matmulSmallM(a, b, m, k, n, transA, transB, out, accumulate);
  if (n === 1) {
    // out (m x 1) has the same memory layout as out^T (1 x m) = op(B)^T · op(A)^T, a one-row
    // product for the row path: its left operand is the vector b, its right operand is A itself,
    // to be read transposed exactly when A is not.
    return matmulSmallM(b, a, 1, k, m, false, !transA, out, accumulate);
  }

  const kcMax = Math.min(k, KC);
  const mcMax = Math.min(m, MC);
  const ncMax = Math.min(n, NC);
  const needA = roundUp(mcMax, MR) * kcMax;
  const needB = roundUp(ncMax, NR) * kcMax;
  if (packA.length < needA) packA = new Float64Array(needA);
  if (packB.length < needB) packB = new Float64Array(needB);
  const ap = packA;
  const bp = packB;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(n - jc, NC);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(k - pc, KC);
      const add = accumulate || pc > 0;
      // B element (p, j) lives at b[p*n + j] (k-major) or b[j*k + p] when transposed.
      if (transB) packXMajor(b, k, jc, nc, pc, kc, bp);
      else packKMajor(b, n, jc, nc, pc, kc, bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(m - ic, MC);
        // A element (i, p) lives at a[i*k + p] or a[p*m + i] when transposed.
        if (transA) packKMajor(a, m, ic, mc, pc, kc, ap);
        else packXMajor(a, k, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(nc - jr, NR);
          const bi = jr * kc;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(mc - ir, MR);
            kernel4x4(ap, ir * kc, bp, bi, kc);
            storeTile(out, (ic + ir) * n + jc + jr, n, mr, nr, add);
          }
        }
      }
    }
  }
  return out;
}

/**
 * Depth 1 to 4 with B stored k x n: each output row is a short sum of scaled rows of B,
 * formed in float64 and rounded once, as the tiled path does.
 */
function matmulSmallK(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  out: Float32Array,
  accumulate: boolean,
): Float32Array {
  for (let i = 0; i < m; i++) {
    const o = i * n;
    // op(A)(i, p) is a[i*k + p], or a[p*m + i] when A is stored transposed.
    const s = transA ? m : 1;
    const a0 = transA ? a[i] : a[i * k];
    if (k === 1) {
      for (let j = 0; j < n; j++) out[o + j] = (accumulate ? out[o + j] : 0) + a0 * b[j];
      continue;
    }
    const i1 = (transA ? i : i * k) + s;
    const a1 = a[i1];
    if (k === 2) {
      for (let j = 0; j < n; j++)
        out[o + j] = (accumulate ? out[o + j] : 0) + a0 * b[j] + a1 * b[n + j];
      continue;
    }
    const a2 = a[i1 + s];
    if (k === 3) {
      for (let j = 0; j < n; j++)
        out[o + j] = (accumulate ? out[o + j] : 0) + a0 * b[j] + a1 * b[n + j] + a2 * b[2 * n + j];
      continue;
    }
    const a3 = a[i1 + 2 * s];
    for (let j = 0; j < n; j++)
      out[o + j] =
        (accumulate ? out[o + j] : 0) +
        a0 * b[j] +
        a1 * b[n + j] +
        a2 * b[2 * n + j] +
        a3 * b[3 * n + j];
  }
  return out;
}

let rowA = new Float64Array(0);
let rowAcc = new Float64Array(0);

/**
 * Path for very few rows (matrix-vector-like products), where packing B would cost as much as
 * the product itself and 4-row panels would be mostly padding.  Each row of op(A) is copied to a
 * float64 scratch row; B is then streamed once per row in its stored order.
 */
function matmulSmallM(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  out: Float32Array,
  accumulate: boolean,
): Float32Array {
  if (rowA.length < k) rowA = new Float64Array(k);
  const ar = rowA;
  for (let i = 0; i < m; i++) {
    if (transA) for (let p = 0, s = i; p < k; p++, s += m) ar[p] = a[s];
    else for (let p = 0, s = i * k; p < k; p++, s++) ar[p] = a[s];
    const o = i * n;
    if (transB) rowTimesBt(ar, b, k, n, out, o, accumulate);
    else rowTimesB(ar, b, k, n, out, o, accumulate);
  }
  return out;
}

/** out[o .. o+n) (+)= ar[0..k) * B, B stored k x n: axpy over rows of B, 4 rows at a time. */
function rowTimesB(
  ar: Float64Array,
  b: Float32Array,
  k: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  if (rowAcc.length < n) rowAcc = new Float64Array(n);
  const acc = rowAcc;
  if (accumulate) for (let j = 0; j < n; j++) acc[j] = out[o + j];
  else acc.fill(0, 0, n);
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const a0 = ar[p];
    const a1 = ar[p + 1];
    const a2 = ar[p + 2];
    const a3 = ar[p + 3];
    const r0 = p * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    for (let j = 0; j < n; j++) {
      acc[j] += a0 * b[r0 + j] + a1 * b[r1 + j] + a2 * b[r2 + j] + a3 * b[r3 + j];
    }
  }
  for (; p < k; p++) {
    const a0 = ar[p];
    const r0 = p * n;
    for (let j = 0; j < n; j++) acc[j] += a0 * b[r0 + j];
  }
  for (let j = 0; j < n; j++) out[o + j] = acc[j];
}

/** out[o .. o+n) (+)= ar[0..k) * B^T, B stored n x k: dot products, 4 rows of B at a time. */
function rowTimesBt(
  ar: Float64Array,
  b: Float32Array,
  k: number,
  n: number,
  out: Float32Array,
  o: number,
  accumulate: boolean,
): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const r0 = j * k;
    const r1 = r0 + k;
    const r2 = r1 + k;
    const r3 = r2 + k;
    // Two partial sums per row (even and odd p) halve the add dependency chains.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      const x = ar[p];
      const y = ar[p + 1];
      s0 += x * b[r0 + p];
      s1 += x * b[r1 + p];
      s2 += x * b[r2 + p];
      s3 += x * b[r3 + p];
      t0 += y * b[r0 + p + 1];
      t1 += y * b[r1 + p + 1];
      t2 += y * b[r2 + p + 1];
      t3 += y * b[r3 + p + 1];
    }
    if (p < k) {
      const x = ar[p];
      s0 += x * b[r0 + p];
      s1 += x * b[r1 + p];
      s2 += x * b[r2 + p];
      s3 += x * b[r3 + p];
    }
    s0 += t0;
    s1 += t1;
    s2 += t2;
    s3 += t3;
    if (accumulate) {
      out[o + j] += s0;
      out[o + j + 1] += s1;
      out[o + j + 2] += s2;
      out[o + j + 3] += s3;
    } else {
      out[o + j] = s0;
      out[o + j + 1] = s1;
      out[o + j + 2] = s2;
      out[o + j + 3] = s3;
    }
  }
  for (; j < n; j++) {
    const r0 = j * k;
    let s0 = 0;
    for (let p = 0; p < k; p++) s0 += ar[p] * b[r0 + p];
    if (accumulate) out[o + j] += s0;
    else out[o + j] = s0;
  }
}

function roundUp(x: number, r: number): number {
  return Math.ceil(x / r) * r;
}

/**
 * Packs the block x in [x0, x0+xc), p in [pc, pc+kc) of a source whose element (x, p) is at
 * src[p * ld + x] into 4-wide panels dst[(x/4)*kc*4 + p*4 + x%4].  Reads rows of src contiguously.
 */
function packKMajor(
  src: Float32Array,
  ld: number,
  x0: number,
  xc: number,
  pc: number,
  kc: number,
  dst: Float64Array,
): void {
  let d = 0;
  const full = xc - (xc % 4);
  for (let x = 0; x < full; x += 4) {
    let s = pc * ld + x0 + x;
    for (let p = 0; p < kc; p++) {
      dst[d] = src[s];
      dst[d + 1] = src[s + 1];
      dst[d + 2] = src[s + 2];
      dst[d + 3] = src[s + 3];
      d += 4;
      s += ld;
    }
  }
  const rem = xc - full;
  if (rem > 0) {
    let s = pc * ld + x0 + full;
    for (let p = 0; p < kc; p++) {
      dst[d] = src[s];
      dst[d + 1] = rem > 1 ? src[s + 1] : 0;
      dst[d + 2] = rem > 2 ? src[s + 2] : 0;
      dst[d + 3] = 0;
      d += 4;
      s += ld;
    }
  }
}

/**
 * Same panel layout as packKMajor, for a source whose element (x, p) is at src[x * ld + p].
 * Reads four rows of src in parallel, each contiguously.
 */
function packXMajor(
  src: Float32Array,
  ld: number,
  x0: number,
  xc: number,
  pc: number,
  kc: number,
  dst: Float64Array,
): void {
  let d = 0;
  const full = xc - (xc % 4);
  for (let x = 0; x < full; x += 4) {
    const s0 = (x0 + x) * ld + pc;
    const s1 = s0 + ld;
    const s2 = s1 + ld;
    const s3 = s2 + ld;
    for (let p = 0; p < kc; p++) {
      dst[d] = src[s0 + p];
      dst[d + 1] = src[s1 + p];
      dst[d + 2] = src[s2 + p];
      dst[d + 3] = src[s3 + p];
      d += 4;
    }
  }
  const rem = xc - full;
  if (rem > 0) {
    const s0 = (x0 + full) * ld + pc;
    const s1 = rem > 1 ? s0 + ld : s0;
    const s2 = rem > 2 ? s1 + ld : s0;
    for (let p = 0; p < kc; p++) {
      dst[d] = src[s0 + p];
      dst[d + 1] = rem > 1 ? src[s1 + p] : 0;
      dst[d + 2] = rem > 2 ? src[s2 + p] : 0;
      dst[d + 3] = 0;
      d += 4;
    }
  }
}

/** tile[4x4] = Apanel(4 x kc) * Bpanel(kc x 4), both packed 4-wide. */
function kernel4x4(ap: Float64Array, ai: number, bp: Float64Array, bi: number, kc: number): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ai];
    const a1 = ap[ai + 1];
    const a2 = ap[ai + 2];
    const a3 = ap[ai + 3];
    const b0 = bp[bi];
    const b1 = bp[bi + 1];
    const b2 = bp[bi + 2];
    const b3 = bp[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  const t = tile;
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
}

/** Writes (or adds) the valid mr x nr corner of the tile to out at offset o, row stride ldc. */
function storeTile(
  out: Float32Array,
  o: number,
  ldc: number,
  mr: number,
  nr: number,
  add: boolean,
): void {
  const t = tile;
  if (mr === 4 && nr === 4) {
    if (add) {
      for (let r = 0; r < 16; r += 4, o += ldc) {
        out[o] += t[r];
        out[o + 1] += t[r + 1];
        out[o + 2] += t[r + 2];
        out[o + 3] += t[r + 3];
      }
    } else {
      for (let r = 0; r < 16; r += 4, o += ldc) {
        out[o] = t[r];
        out[o + 1] = t[r + 1];
        out[o + 2] = t[r + 2];
        out[o + 3] = t[r + 3];
      }
    }
    return;
  }
  for (let i = 0; i < mr; i++, o += ldc) {
    const r = i * 4;
    if (add) for (let j = 0; j < nr; j++) out[o + j] += t[r + j];
    else for (let j = 0; j < nr; j++) out[o + j] = t[r + j];
  }
}
