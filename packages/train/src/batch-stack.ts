import { stack, Tensor } from '@rnnkit/core';

/** Batches of one layout stacked along a new first axis, and one step's batch rebuilt from its slices. */
export interface StackedBatches<B> {
  /** One tensor per tensor field of the batch: [steps, ...field shape]. */
  readonly seqs: Tensor[];
  /** The batch of one step, from that step's slice of each of `seqs` (in their order). */
  at(slices: readonly Tensor[]): B;
}

type Plain = Record<string, unknown>;

function fields(b: unknown): [string, unknown][] | null {
  if (b instanceof Tensor) return [['', b]];
  if (typeof b !== 'object' || b === null) return null;
  const proto = Object.getPrototypeOf(b);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return null;
  return Object.entries(b as Plain);
}

/**
 * What decides whether batches stack: a Tensor, or a plain object or array whose fields are
 * tensors (by shape and dtype) or plain values (numbers, strings, booleans, null, undefined; by
 * value). Batches with the same key stack; null for anything else, which never does.
 */
export function batchKey(b: unknown): string | null {
  const fs = fields(b);
  if (!fs) return null;
  const parts: string[] = [Array.isArray(b) ? 'array' : b instanceof Tensor ? 'tensor' : 'object'];
  for (const [k, v] of fs) {
    if (v instanceof Tensor) parts.push(`${k}:${v.dtype}[${v.shape.join(',')}]`);
    else if (v === null || v === undefined || ['number', 'string', 'boolean'].includes(typeof v))
      parts.push(`${k}=${JSON.stringify(v) ?? 'undefined'}`);
    else return null;
  }
  return parts.join(';');
}

/** Stacks batches that share a `batchKey` (the caller checks). */
export function stackBatches<B>(batches: readonly B[]): StackedBatches<B> {
  const first = batches[0];
  const fs = fields(first)!;
  const tensorKeys = fs.filter(([, v]) => v instanceof Tensor).map(([k]) => k);
  const seqs = tensorKeys.map((k) =>
    stack(batches.map((b) => (b instanceof Tensor ? b : ((b as Plain)[k] as Tensor)))),
  );
  return {
    seqs,
    at(slices) {
      if (first instanceof Tensor) return slices[0] as B;
      const out: Plain = Array.isArray(first) ? ([] as unknown as Plain) : {};
      for (const [k, v] of fs) out[k] = v;
      tensorKeys.forEach((k, i) => {
        out[k] = slices[i];
      });
      return out as B;
    },
  };
}
