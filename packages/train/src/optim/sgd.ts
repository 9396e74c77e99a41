import { type Parameter, sgdUpdate, type Tensor } from '@rnnkit/core';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** torch.optim.SGD: momentum (buffer = gradient on the first step), dampening, Nesterov, L2 weight decay. */
export class SGD extends Optimizer {
  readonly type = 'SGD';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: Parameter[], o: SGDOptions) {
    super(params, o.lr);
    this.momentum = o.momentum ?? 0;
    this.dampening = o.dampening ?? 0;
    this.nesterov = o.nesterov ?? false;
    this.weightDecay = o.weightDecay ?? 0;
  }

  protected hyper() {
    return {
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
    };
  }

  protected update(i: number, grad: Tensor): void {
    const firstStep = !this.hasBuffer(i, 'momentum');
    const buf = this.momentum !== 0 ? this.buffer(i, 'momentum') : null;
    sgdUpdate(this.params[i], grad, buf, {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      firstStep,
    });
  }
}
