/** Side of the square tiles used by transpose2d (32x32 float32 = 4 KiB per tile side). */
const TILE = 32;

/**
 * out[cols x rows] = src[rows x cols]^T, both row-major: out[j*rows + i] = src[i*cols + j].
 * Walks the matrix in TILE x TILE tiles so that both the reads and the writes of a tile stay in
 * cache; allocation-free.  `out` must not alias `src`.  Returns `out`.
 */
export function transpose2d(
  src: Float32Array,
  rows: number,
  cols: number,
  out: Float32Array,
): Float32Array {
  const size = rows * cols;
  if (size <= 0) return out;
  if (src.length < size) {
    throw new RangeError(`transpose2d: src has ${src.length} elements, need ${size}`);
  }
  if (out.length < size) {
    throw new RangeError(`transpose2d: out has ${out.length} elements, need ${size}`);
  }
  if (rows === 1 || cols === 1) {
    // A vector: the layout does not change.
    out.set(src.subarray(0, size));
    return out;
  }
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      let i = i0;
      // Four source rows at a time: each pass writes four consecutive elements of an out row.
      for (; i + 4 <= i1; i += 4) {
        let s = i * cols + j0;
        let d = j0 * rows + i;
        for (let j = j0; j < j1; j++, s++, d += rows) {
          out[d] = src[s];
          out[d + 1] = src[s + cols];
          out[d + 2] = src[s + 2 * cols];
          out[d + 3] = src[s + 3 * cols];
        }
      }
      for (; i < i1; i++) {
        let s = i * cols + j0;
        let d = j0 * rows + i;
        for (let j = j0; j < j1; j++, s++, d += rows) out[d] = src[s];
      }
    }
  }
  return out;
}
