import { describe, expect, it } from 'vitest';
import { transpose2d } from './transpose.js';

describe('transpose2d', () => {
  const shapes: Array<[number, number]> = [
    [1, 1],
    [1, 7],
    [7, 1],
    [2, 3],
    [4, 4],
    [5, 9],
    [32, 32],
    [33, 31],
    [37, 91],
    [64, 130],
    [200, 3],
  ];
  for (const [rows, cols] of shapes) {
    it(`${rows}x${cols}`, () => {
      const src = new Float32Array(rows * cols);
      for (let i = 0; i < src.length; i++) src[i] = i + 0.5;
      const out = new Float32Array(rows * cols).fill(Number.NaN);
      expect(transpose2d(src, rows, cols, out)).toBe(out);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          if (out[j * rows + i] !== src[i * cols + j]) {
            expect(`out[${j},${i}] = ${out[j * rows + i]}`).toBe(
              `out[${j},${i}] = ${src[i * cols + j]}`,
            );
          }
        }
      }
      // Transposing back restores the source.
      const back = new Float32Array(rows * cols);
      transpose2d(out, cols, rows, back);
      expect(back).toEqual(src);
    });
  }

  it('does not write past rows*cols elements', () => {
    const src = Float32Array.of(1, 2, 3, 4, 5, 6);
    const out = new Float32Array(9).fill(-1);
    transpose2d(src, 2, 3, out);
    expect(Array.from(out)).toEqual([1, 4, 2, 5, 3, 6, -1, -1, -1]);
  });

  it('rejects buffers that are too short', () => {
    expect(() => transpose2d(new Float32Array(5), 2, 3, new Float32Array(6))).toThrow(RangeError);
    expect(() => transpose2d(new Float32Array(6), 2, 3, new Float32Array(5))).toThrow(RangeError);
  });
});
