import type { Tensor } from '@rnnkit/core';

/**
 * An optimizer's update written once as tensor ops: its definition (`Optimizer.definition`). A
 * plain step runs it on backends without a fused kernel for it; fused steps (the Trainer's
 * `stepsPerCall`) trace it as the body of one loop over several training steps, where the
 * parameters and this state are the loop's carried values. What changes from step to step (bias
 * corrections, a scheduled learning rate) cannot be a number fixed when the body is traced, so it
 * comes in as per-step scalar tensors. The backends' fused update kernels are checked against it
 * by the conformance suite.
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
   * one-element tensor; the results must keep the parameter's shape.
   */
  ops(
    p: Tensor,
    g: Tensor,
    state: readonly Tensor[],
    s: readonly Tensor[],
    c: readonly Tensor[],
  ): { param: Tensor; state: Tensor[] };
}
