import {
  add,
  checkOptions,
  mul,
  type OptionKeys,
  type Parameter,
  sgdUpdate,
  sub,
  type Tensor,
} from '@rnnkit/core';
import type { FusedUpdate } from './fused.js';
import { Optimizer } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

const KEYS: OptionKeys<SGDOptions> = {
  lr: 'required',
  momentum: 'optional',
  dampening: 'optional',
  nesterov: 'optional',
  weightDecay: 'optional',
};

/** torch.optim.SGD: momentum (buffer = gradient on the first step), dampening, Nesterov, L2 weight decay. */
export class SGD extends Optimizer {
  readonly type = 'SGD';
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: Parameter[], o: SGDOptions) {
    // checked before super reads it: a bad argument gets a message, not a TypeError
    super(params, checkOptions('SGD', o, KEYS).lr);
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

  /**
   * Per step: [lr]. d = g + wd·p, buf' = momentum·buf + (1 − dampening)·d (on the parameter's
   * first step buf' = d, as torch.optim.SGD), d = d + momentum·buf' (Nesterov) or buf',
   * p' = p − lr·d.
   */
  definition(first = false): FusedUpdate {
    const useBuf = this.momentum !== 0;
    const { nesterov } = this;
    return {
      constants: [this.weightDecay, this.momentum, 1 - this.dampening],
      stepScalars: (_t, lr) => [lr],
      state: (i) => (useBuf ? [this.buffer(i, 'momentum')] : []),
      ops: (p, g, [buf], [lr], [wd, momentum, damp1]) => {
        let d = add(g, mul(wd, p));
        if (!useBuf) return { param: sub(p, mul(lr, d)), state: [] };
        const b = first ? d : add(mul(momentum, buf), mul(damp1, d));
        d = nesterov ? add(d, mul(momentum, b)) : b;
        return { param: sub(p, mul(lr, d)), state: [b] };
      },
    };
  }

  /**
   * None before the momentum buffers exist: the first step sets them to the gradient, a step of
   * its own.
   */
  override fused(): FusedUpdate | null {
    return this.momentum !== 0 && this.someFirstUpdate('momentum') ? null : this.definition();
  }

  /** The backends' fused sgdUpdate kernel, where the parameter's backend has one. */
  protected override kernel(i: number, grad: Tensor, firstStep: boolean): boolean {
    if (!this.params[i].backend.sgdUpdate) return false;
    const buf = this.momentum !== 0 ? this.buffer(i, 'momentum') : null;
    sgdUpdate(this.params[i], grad, buf, {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      firstStep,
    });
    return true;
  }
}
