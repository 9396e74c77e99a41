import type { Tensor } from './tensor.js';

/** A storage `replaceStorage` took from tensor `t` inside `revertible`. */
export interface Replaced {
  t: Tensor;
  old: unknown;
}

/**
 * Process-wide bookkeeping: live tensor count and the stack of tidy scopes.
 * Kept in one small object so core has a single source of truth for memory.
 */
class Engine {
  numTensors = 0;
  /** Each open tidy scope collects the tensors created inside it. */
  readonly scopes: Set<Tensor>[] = [];
  /** While > 0, scopes hand their tensors to the parent instead of freeing them (autograd needs them). */
  holdDepth = 0;
  /**
   * Inside `revertible`: storages that `replaceStorage` replaced, kept (not freed) with their
   * tensor so that the call can be undone.
   */
  journal: Replaced[] | null = null;

  track(t: Tensor): void {
    this.numTensors++;
    const top = this.scopes[this.scopes.length - 1];
    if (top) top.add(t);
  }

  untrack(t: Tensor): void {
    this.numTensors--;
    const top = this.scopes[this.scopes.length - 1];
    if (top) top.delete(t);
  }
}

export const engine = new Engine();
