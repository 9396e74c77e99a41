import type { Tensor } from './tensor.js';

/**
 * A gradient term op(x)·op(y) (matmul's transpose flags) that a backward rule hands to the tape
 * unevaluated. Terms for the same tensor are summed as one product over their concatenated inner
 * dimension: a recurrent weight's T per-step terms dyₜᵀ·hₜ become one [G, T·B]·[T·B, H] product,
 * which runs at full matmul speed instead of T small (for batch 1, rank-one) products and T sums.
 */
export class DeferredProduct {
  constructor(
    readonly x: Tensor,
    readonly y: Tensor,
    readonly transA: boolean,
    readonly transB: boolean,
  ) {}
}

/** The few ops the sums need, wired once by ops/index. */
export interface SumOps {
  add(a: Tensor, b: Tensor): Tensor;
  matmul(a: Tensor, b: Tensor, opts: { transA: boolean; transB: boolean }): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
}

/** A gradient total not yet evaluated: a tensor part (or none) plus product terms. */
export interface Pending {
  base: Tensor | null;
  terms: DeferredProduct[];
}

/**
 * The running gradient of every tensor during backprop. Sums the tape allocated itself (and has
 * not handed to a rule as an output gradient) are "owned" and may be accumulated in place; a
 * rule may return its own dy, or one tensor for several inputs, so nothing else may be.
 */
export class GradSums {
  readonly #slots = new Map<number, Tensor | Pending>();
  readonly #owned = new Set<Tensor>();

  constructor(private readonly ops: SumOps) {}

  has(id: number): boolean {
    return this.#slots.has(id);
  }

  /** The total for `id` as a tensor (evaluating deferred products), or undefined. */
  get(id: number): Tensor | undefined {
    const s = this.#slots.get(id);
    if (s === undefined || !isPending(s)) return s;
    const t = this.evaluate(s);
    this.#slots.set(id, t);
    return t;
  }

  /**
   * The total for `id` as it stands: a tensor, or a tensor part plus unevaluated product terms
   * (a lowered scan turns each term's factors into loop outputs and multiplies them once, over
   * all time steps, after the loop).
   */
  raw(id: number): Tensor | Pending | undefined {
    return this.#slots.get(id);
  }

  /** Marks a total as given to a backward rule: from now on it may be shared. */
  handOut(t: Tensor): void {
    this.#owned.delete(t);
  }

  delete(id: number): void {
    this.#slots.delete(id);
  }

  /** Adds one contribution to the gradient of `id`. */
  add(id: number, dx: Tensor | DeferredProduct): void {
    const prev = this.#slots.get(id);
    if (dx instanceof DeferredProduct) {
      if (prev === undefined) this.#slots.set(id, { base: null, terms: [dx] });
      else if (!isPending(prev)) this.#slots.set(id, { base: prev, terms: [dx] });
      else {
        const first = prev.terms[0];
        if (first.transA !== dx.transA || first.transB !== dx.transB) {
          prev.base = this.evaluate(prev);
          prev.terms = [];
        }
        prev.terms.push(dx);
      }
      return;
    }
    if (prev === undefined) this.#slots.set(id, dx);
    else if (isPending(prev)) prev.base = prev.base ? this.sum(prev.base, dx) : dx;
    else this.#slots.set(id, this.sum(prev, dx));
  }

  /** prev + dx, in place when the tape owns prev and the backend can. */
  private sum(prev: Tensor, dx: Tensor): Tensor {
    const be = prev.backend;
    if (
      this.#owned.has(prev) &&
      prev !== dx &&
      be.addInPlace &&
      dx.backend === be &&
      prev.dtype === dx.dtype &&
      prev.rank === dx.rank &&
      prev.shape.every((d, i) => d === dx.shape[i])
    ) {
      prev.replaceStorage(be.addInPlace(prev, dx));
      return prev;
    }
    const s = this.ops.add(prev, dx);
    this.#owned.add(s);
    return s;
  }

  private evaluate(p: Pending): Tensor {
    if (p.terms.length === 0) return p.base!;
    const product = productOf(p.terms, this.ops);
    this.#owned.add(product);
    return p.base ? this.sum(product, p.base) : product;
  }
}

/**
 * Σ op(xᵢ)·op(yᵢ) over terms with the same transpose flags, as one product: the factors are
 * joined along the inner (k) dimension — rows of x when transposed, else its columns; the
 * reverse for y.
 */
export function productOf(terms: readonly DeferredProduct[], ops: SumOps): Tensor {
  const { transA, transB } = terms[0];
  const join = (parts: Tensor[], axis: number) =>
    parts.length === 1 ? parts[0] : ops.concat(parts, axis);
  const x = join(
    terms.map((t) => t.x),
    transA ? 0 : 1,
  );
  const y = join(
    terms.map((t) => t.y),
    transB ? 1 : 0,
  );
  return ops.matmul(x, y, { transA, transB });
}

function isPending(s: Tensor | Pending): s is Pending {
  return (s as Pending).terms !== undefined;
}
