/** Float64 helpers for the cells' reference steps (plain loops, no tensors). */

export const refSigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** y[j] = Σ_i W[row0 + j, i]·v[i] + b[row0 + j] for j < rows; W is [*, v.length]. */
export function refAffine(
  W: readonly number[],
  b: readonly number[] | undefined,
  v: readonly number[],
  row0: number,
  rows: number,
): number[] {
  const n = v.length;
  const y = new Array<number>(rows);
  for (let j = 0; j < rows; j++) {
    let s = b ? b[row0 + j] : 0;
    const off = (row0 + j) * n;
    for (let i = 0; i < n; i++) s += W[off + i] * v[i];
    y[j] = s;
  }
  return y;
}
