import type { Tensor } from '@rnnkit/core';

/**
 * An optimizer's update written as tensor ops, for fused steps (the Trainer's `stepsPerCall`):
 * several training steps traced once as the body of one loop, where the parameters and this
 * state are the loop's carried values. What changes from step to step (bias corrections, a
 * scheduled learning rate) cannot be a number fixed when the body is traced, so it comes in as
 * per-step scalar tensors. The ops follow the order of the backends' update kernels, so a fused
 * step computes what a plain one does.
 */
export interface FusedUpdate {
  /** Scalars fixed for the whole run (betas, eps, weight decay). */
  constants: number[];
  /** The scalars that vary per step, for step number `t` (1-based) at learning rate `lr`. */
  stepScalars(t: number, lr: number): number[];
  /** Parameter i's state tensors, in the order `ops` takes and returns them (made if missing). */
  state(i: number): Tensor[];
  /**
   * One parameter's update. `s` holds the step's `stepScalars` and `c` the `constants`, each a
   * one-element tensor.
   */
  ops(
    p: Tensor,
    g: Tensor,
    state: readonly Tensor[],
    s: readonly Tensor[],
    c: readonly Tensor[],
  ): { param: Tensor; state: Tensor[] };
}
