/**
 * The training loss of every step of one fit, as numbers: a Float64Array that doubles as it
 * fills, 8 bytes a step outside the JS heap. Keeping a `{ step, loss }` object per step instead
 * grew the process for the whole run (each object outlives its step, so the heap's pages, mixed
 * with each step's garbage, cannot be given back), which long runs saw as memory that never
 * levelled off. The objects of `FitResult.trainLoss` are made once, when the fit returns.
 */
export class LossHistory {
  #losses = new Float64Array(1024);
  #length = 0;
  /** The step of the first loss; the steps of one fit are consecutive. */
  readonly firstStep: number;

  constructor(firstStep: number) {
    this.firstStep = firstStep;
  }

  get length(): number {
    return this.#length;
  }

  push(loss: number): void {
    if (this.#length === this.#losses.length) {
      const grown = new Float64Array(2 * this.#losses.length);
      grown.set(this.#losses);
      this.#losses = grown;
    }
    this.#losses[this.#length++] = loss;
  }

  /** `{ step, loss }` for every step recorded, in order. */
  entries(): { step: number; loss: number }[] {
    return Array.from(this.#losses.subarray(0, this.#length), (loss, i) => ({
      step: this.firstStep + i,
      loss,
    }));
  }
}
