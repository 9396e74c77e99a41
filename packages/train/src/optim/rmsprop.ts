import { type Parameter, rmspropUpdate, type Tensor } from '@rnnkit/core';
import { Optimizer } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
}

/** torch.optim.RMSprop (not centered). */
export class RMSprop extends Optimizer {
  readonly type = 'RMSprop';
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;

  constructor(params: Parameter[], o: RMSpropOptions = {}) {
    super(params, o.lr ?? 1e-2);
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

  protected update(i: number, grad: Tensor): void {
    const buf = this.momentum > 0 ? this.buffer(i, 'momentum') : null;
    rmspropUpdate(this.params[i], grad, this.buffer(i, 'squareAvg'), buf, {
      lr: this.lr,
      alpha: this.alpha,
      eps: this.eps,
      weightDecay: this.weightDecay,
      momentum: this.momentum,
    });
  }
}
