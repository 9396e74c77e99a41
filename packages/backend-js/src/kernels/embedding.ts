/** Rows of table [V, D] at indices → [N, D]. Throws on an index outside [0, V). */
export function gather(
  table: Float32Array,
  v: number,
  d: number,
  indices: Int32Array,
): Float32Array {
  const out = new Float32Array(indices.length * d);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (r < 0 || r >= v)
      throw new RangeError(`gather: index ${r} at position ${i} is outside the table's ${v} rows`);
    out.set(table.subarray(r * d, (r + 1) * d), i * d);
  }
  return out;
}

/** Sums rows of updates [N, D] into zeros [numRows, D] at indices. */
export function scatterAdd(
  indices: Int32Array,
  updates: Float32Array,
  d: number,
  numRows: number,
): Float32Array {
  const out = new Float32Array(numRows * d);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (r < 0 || r >= numRows)
      throw new RangeError(`scatterAdd: index ${r} at position ${i} is outside ${numRows} rows`);
    const o = r * d;
    const u = i * d;
    for (let j = 0; j < d; j++) out[o + j] += updates[u + j];
  }
  return out;
}
