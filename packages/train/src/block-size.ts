/**
 * How long one automatically sized call of training steps may take. Progress, the `minutes`
 * limit and an abort (Ctrl-C) are handled between calls, so each waits at most one call: the
 * largest power of two of steps that fits puts a call between 0.2 and 0.4 seconds, inside the
 * half second a user waits at most, with room for a measurement that read low. A smaller budget
 * cost throughput where a step is slow: at 250 ms ONNX Runtime Web's char-LSTM steps (30-36 ms)
 * settled at 4 per call, whose calls took 1.2 times as long a step as calls of 8.
 */
export const CALL_BUDGET_MS = 400;

/**
 * The most steps an automatic block takes. Past a few dozen steps the per-call cost (tracing the
 * step, the call itself) is a small share of a block, and every new block size is one more graph
 * to compile.
 */
export const MAX_AUTO_STEPS = 64;

/**
 * Chooses how many steps the Trainer's next block takes on a compiling backend when the fit names
 * no `stepsPerCall`: the largest power of two, up to MAX_AUTO_STEPS, whose steps fit
 * CALL_BUDGET_MS at the time per step measured last. It starts at one step per call; the time per
 * step of a small block is an upper bound for a larger one (the per-call cost is shared by more
 * steps), so growing on it never overshoots, and each new size is measured again. Sizes are
 * powers of two so that few distinct blocks (each a graph to compile) arise.
 *
 * The first block of each size is not measured: it may have built and compiled its graph. A
 * smaller size takes two measurements in a row that ask for it: one slow call (a pause of the
 * machine, a garbage collection) would otherwise cost a detour through sizes whose graphs are
 * compiled only for it. The size only changes how steps are grouped into calls, never what they compute (blocks of any size
 * give the results of one step per call), so timing noise costs speed, never results.
 */
export class BlockSizer {
  #size = 1;
  /** Block sizes seen once: their graphs exist, so later blocks of that size time the steps alone. */
  readonly #seen = new Set<number>();
  /** Whether the last measurement asked for a smaller size. */
  #slow = false;

  /** Steps the next block may take (it still ends at epoch, validation, checkpoint and maxSteps). */
  next(): number {
    return this.#size;
  }

  /** A block of `steps` steps took `ms` milliseconds. */
  record(steps: number, ms: number): void {
    if (!this.#seen.has(steps)) {
      this.#seen.add(steps);
      return;
    }
    const perStep = ms / steps;
    const fits = perStep > 0 ? Math.floor(CALL_BUDGET_MS / perStep) : MAX_AUTO_STEPS;
    const size = Math.min(MAX_AUTO_STEPS, fits < 2 ? 1 : 2 ** Math.floor(Math.log2(fits)));
    const smaller = size < this.#size;
    if (!smaller || this.#slow) this.#size = size;
    this.#slow = smaller && !this.#slow;
  }
}
