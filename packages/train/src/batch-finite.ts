import { Tensor } from '@rnnkit/core';

/** Where a batch holds NaN or ±Infinity: the tensor's path in the batch and what it holds. */
export interface NonFiniteValues {
  /** 'x', 'y', 'inputs.0', or 'batch' for a batch that is itself a tensor. */
  where: string;
  nan: number;
  inf: number;
  /** Flat (row-major) index of the first such value. */
  first: number;
}

/**
 * The float tensors of a batch that hold NaN or ±Infinity, found by walking the batch: a tensor,
 * or plain objects and arrays of them (the datasets' `{ x, y }`). Read only after a loss came out
 * non-finite, so it costs nothing while training is healthy.
 */
export async function nonFiniteInBatch(batch: unknown): Promise<NonFiniteValues[]> {
  const found: NonFiniteValues[] = [];
  const visit = async (v: unknown, where: string, depth: number): Promise<void> => {
    if (v instanceof Tensor) {
      if (v.dtype !== 'float32' || v.isDisposed) return;
      const values = await v.data();
      let nan = 0;
      let inf = 0;
      let first = -1;
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        if (Number.isFinite(x)) continue;
        if (Number.isNaN(x)) nan++;
        else inf++;
        if (first < 0) first = i;
      }
      if (first >= 0) found.push({ where, nan, inf, first });
    } else if (depth < 4 && Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) await visit(v[i], `${where}.${i}`, depth + 1);
    } else if (depth < 4 && v !== null && typeof v === 'object' && isPlain(v)) {
      for (const [k, e] of Object.entries(v))
        await visit(e, where ? `${where}.${k}` : k, depth + 1);
    }
  };
  await visit(batch, '', 0);
  for (const f of found) if (f.where === '') f.where = 'batch';
  return found;
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `x (3 NaN, 1 Inf; first at flat index 17)` for each tensor found. */
export function describeNonFinite(found: readonly NonFiniteValues[]): string {
  return found
    .map((f) => {
      const kinds = [f.nan && `${f.nan} NaN`, f.inf && `${f.inf} Inf`].filter(Boolean).join(', ');
      return `${f.where} (${kinds}; first at flat index ${f.first})`;
    })
    .join(', ');
}
