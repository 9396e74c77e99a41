import { fmtShape, ShapeError } from '../errors.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { reshape } from './layout.js';
import { backendOf, wrap } from './util.js';

/**
 * Embedding lookup: rows of `table` [V, D] at int32 `indices` of any shape → [...indices, D].
 * Its gradient scatter-adds into the table.
 */
export function gather(table: Tensor, indices: Tensor): Tensor {
  const be = backendOf('gather', table, indices);
  if (table.rank !== 2)
    throw new ShapeError(`gather: table must be [V, D], got ${fmtShape(table.shape)}`);
  if (indices.dtype !== 'int32') {
    throw new ShapeError(
      `gather: indices must be int32, got ${indices.dtype} ${fmtShape(indices.shape)} (table ${fmtShape(table.shape)})`,
    );
  }
  const [v, d] = table.shape;
  const flat = indices.rank === 1 ? indices : reshape(indices, [indices.size]);
  const y2 = wrap(be, be.gather(table, flat), [flat.size, d]);
  record([table], [y2], ([dy]) => [wrap(be, be.scatterAdd(flat, dy, v), [v, d])]);
  return indices.rank === 1 ? y2 : reshape(y2, [...indices.shape, d]);
}
