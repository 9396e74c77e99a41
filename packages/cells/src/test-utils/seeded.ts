/** Deterministic uniform(−1, 1) values rounded to float32 (mulberry32). */
export function seededValues(n: number, seed: number): number[] {
  let a = seed >>> 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = Math.fround(2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1);
  }
  return out;
}
