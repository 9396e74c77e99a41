import {
  adamUpdate,
  add,
  checkOptions,
  div,
  mul,
  type OptionKeys,
  type Parameter,
  sqrt,
  sub,
  type Tensor,
} from '@rnnkit/core';
import type { FusedUpdate } from './fused.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

const KEYS: OptionKeys<AdamOptions> = {
  lr: 'optional',
  betas: 'optional',
  eps: 'optional',
  weightDecay: 'optional',
};

/** torch.optim.Adam (L2 weight decay added to the gradient). */
export class Adam extends Optimizer {
  readonly type: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(params: Parameter[], o: AdamOptions = {}, defaults = { weightDecay: 0 }) {
    // checked before super reads it: a bad argument gets a message, not a TypeError
    super(params, checkOptions(new.target.name, o, KEYS).lr ?? 1e-3);
    [this.beta1, this.beta2] = o.betas ?? [0.9, 0.999];
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? defaults.weightDecay;
  }

  protected hyper() {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
  }

  /**
   * Per step: [lr / bc1, √bc2, 1 − lr·wd (AdamW)], with bc1 = 1 − β1^t and bc2 = 1 − β2^t.
   * m' = β1·m + (1 − β1)·g, v' = β2·v + ((1 − β2)·g)·g, p' = p·decay − (lr/bc1)·m' / (√v'/√bc2 +
   * eps), g having wd·p added first without decoupling.
   */
  definition(): FusedUpdate {
    const { beta1: b1, beta2: b2, weightDecay: wd, decoupled } = this;
    const decays = wd !== 0;
    return {
      constants: [b1, 1 - b1, b2, 1 - b2, this.eps, wd],
      stepScalars: (t, lr) => [lr / (1 - b1 ** t), Math.sqrt(1 - b2 ** t), 1 - lr * wd],
      state: (i) => [this.buffer(i, 'm'), this.buffer(i, 'v')],
      ops: (p, g, [m, v], [stepSize, bc2, decay], [beta1, beta1c, beta2, beta2c, eps, l2]) => {
        const gi = decays && !decoupled ? add(g, mul(l2, p)) : g;
        const mi = add(mul(beta1, m), mul(beta1c, gi));
        const vi = add(mul(beta2, v), mul(mul(beta2c, gi), gi));
        const denom = add(div(sqrt(vi), bc2), eps);
        const kept = decays && decoupled ? mul(p, decay) : p;
        return { param: sub(kept, div(mul(stepSize, mi), denom)), state: [mi, vi] };
      },
    };
  }

  /** The backends' fused adamUpdate kernel, where the parameter's backend has one. */
  protected override kernel(i: number, grad: Tensor): boolean {
    if (!this.params[i].backend.adamUpdate) return false;
    const t = this.stepCount;
    adamUpdate(this.params[i], grad, this.buffer(i, 'm'), this.buffer(i, 'v'), {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
      decoupled: this.decoupled,
      biasCorrection1: 1 - this.beta1 ** t,
      biasCorrection2: 1 - this.beta2 ** t,
    });
    return true;
  }
}

/** torch.optim.AdamW: decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  override readonly type: string = 'AdamW';
  protected override readonly decoupled: boolean = true;

  constructor(params: Parameter[], o: AdamOptions = {}) {
    super(params, o, { weightDecay: 0.01 });
  }
}
