import {
  add,
  checkOptions,
  div,
  mul,
  type OptionKeys,
  type Parameter,
  sqrt,
  sub,
} from '@rnnkit/core';
import type { FusedUpdate } from './fused.js';
import { Optimizer } from './optimizer.js';

export interface AdagradOptions {
  lr?: number;
  lrDecay?: number;
  weightDecay?: number;
  initialAccumulatorValue?: number;
  eps?: number;
}

const KEYS: OptionKeys<AdagradOptions> = {
  lr: 'optional',
  lrDecay: 'optional',
  weightDecay: 'optional',
  initialAccumulatorValue: 'optional',
  eps: 'optional',
};

/**
 * torch.optim.Adagrad. No backend has a fused kernel for it: every backend runs this definition,
 * and fused steps trace it.
 */
export class Adagrad extends Optimizer {
  readonly type = 'Adagrad';
  readonly lrDecay: number;
  readonly weightDecay: number;
  readonly initialAccumulatorValue: number;
  readonly eps: number;

  constructor(params: Parameter[], o: AdagradOptions = {}) {
    // checked before super reads it: a bad argument gets a message, not a TypeError
    super(params, checkOptions('Adagrad', o, KEYS).lr ?? 1e-2);
    this.lrDecay = o.lrDecay ?? 0;
    this.weightDecay = o.weightDecay ?? 0;
    this.initialAccumulatorValue = o.initialAccumulatorValue ?? 0;
    this.eps = o.eps ?? 1e-10;
  }

  protected hyper() {
    return {
      lrDecay: this.lrDecay,
      weightDecay: this.weightDecay,
      initialAccumulatorValue: this.initialAccumulatorValue,
      eps: this.eps,
    };
  }

  /**
   * Per step: [lr / (1 + (t − 1)·lrDecay)]. g' = g + wd·p, sum' = sum + g'·g' (sum starting at
   * initialAccumulatorValue on the parameter's first step), p' = p − (clr·g') / (√sum' + eps).
   */
  definition(first = false): FusedUpdate {
    const { lrDecay } = this;
    const startsAtZero = this.initialAccumulatorValue === 0;
    return {
      constants: [this.weightDecay, this.eps, this.initialAccumulatorValue],
      stepScalars: (t, lr) => [lr / (1 + (t - 1) * lrDecay)],
      state: (i) => [this.buffer(i, 'sum')],
      ops: (p, g, [sum], [clr], [wd, eps, init]) => {
        const gi = add(g, mul(wd, p));
        const s = add(first && !startsAtZero ? add(sum, init) : sum, mul(gi, gi));
        return { param: sub(p, div(mul(clr, gi), add(sqrt(s), eps))), state: [s] };
      },
    };
  }

  /** None before the sums exist when they start at a value other than 0 (a step of its own). */
  override fused(): FusedUpdate | null {
    return this.initialAccumulatorValue !== 0 && this.someFirstUpdate('sum')
      ? null
      : this.definition();
  }
}
