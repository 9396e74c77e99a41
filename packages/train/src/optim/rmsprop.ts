import {
  add,
  checkOptions,
  div,
  mul,
  type OptionKeys,
  type Parameter,
  rmspropUpdate,
  sqrt,
  sub,
  type Tensor,
} from '@rnnkit/core';
import type { FusedUpdate } from './fused.js';
import { Optimizer } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
}

const KEYS: OptionKeys<RMSpropOptions> = {
  lr: 'optional',
  alpha: 'optional',
  eps: 'optional',
  weightDecay: 'optional',
  momentum: 'optional',
};

/** torch.optim.RMSprop (not centered). */
export class RMSprop extends Optimizer {
  readonly type = 'RMSprop';
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;

  constructor(params: Parameter[], o: RMSpropOptions = {}) {
    // checked before super reads it: a bad argument gets a message, not a TypeError
    super(params, checkOptions('RMSprop', o, KEYS).lr ?? 1e-2);
    this.alpha = o.alpha ?? 0.99;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0;
    this.momentum = o.momentum ?? 0;
  }

  protected hyper() {
    return {
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
    };
  }

  /**
   * Per step: [lr]. g' = g + wd·p, sq' = α·sq + ((1 − α)·g')·g',
   * u = g' / (√sq' + eps), buf' = momentum·buf + u (momentum > 0), p' = p − lr·(buf' or u).
   */
  definition(): FusedUpdate {
    const useBuf = this.momentum > 0;
    return {
      constants: [this.weightDecay, this.alpha, 1 - this.alpha, this.eps, this.momentum],
      stepScalars: (_t, lr) => [lr],
      state: (i) => [this.buffer(i, 'squareAvg'), ...(useBuf ? [this.buffer(i, 'momentum')] : [])],
      ops: (p, g, [sq, buf], [lr], [wd, alpha, alpha1, eps, momentum]) => {
        const gi = add(g, mul(wd, p));
        const s = add(mul(alpha, sq), mul(mul(alpha1, gi), gi));
        const u = div(gi, add(sqrt(s), eps));
        if (!useBuf) return { param: sub(p, mul(lr, u)), state: [s] };
        const b = add(mul(momentum, buf), u);
        return { param: sub(p, mul(lr, b)), state: [s, b] };
      },
    };
  }

  /** The backends' fused rmspropUpdate kernel, where the parameter's backend has one. */
  protected override kernel(i: number, grad: Tensor): boolean {
    if (!this.params[i].backend.rmspropUpdate) return false;
    const buf = this.momentum > 0 ? this.buffer(i, 'momentum') : null;
    rmspropUpdate(this.params[i], grad, this.buffer(i, 'squareAvg'), buf, {
      lr: this.lr,
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
    });
    return true;
  }
}
