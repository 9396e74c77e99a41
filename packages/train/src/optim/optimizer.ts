import {
  describeValue,
  type HostTensor,
  keep,
  Parameter,
  RnnkitError,
  type Tensor,
  zeros,
} from '@rnnkit/core';
import type { FusedUpdate } from './fused.js';

/** What an optimizer saves: JSON-able settings and named state tensors (host copies). */
export interface OptimizerState {
  type: string;
  stepCount: number;
  lr: number;
  hyper: Record<string, number | boolean>;
  tensors: Record<string, HostTensor>;
}

/**
 * Base of the optimizers: PyTorch semantics, updates run on the parameters' backend in place.
 * `step(grads)` takes one gradient per parameter, in the order of `params`.
 */
export abstract class Optimizer {
  readonly params: Parameter[];
  /** Current learning rate (schedules change it). */
  lr: number;
  /** Learning rate given at construction; schedules scale it. */
  readonly baseLr: number;
  stepCount = 0;
  /** Per-parameter state buffers by name (e.g. m, v), created on first use. */
  protected readonly buffers: Map<string, Tensor>[];

  constructor(params: Parameter[], lr: number) {
    if (!Array.isArray(params) || params.some((p) => !(p instanceof Parameter))) {
      const bad = Array.isArray(params)
        ? `an array holding ${describeValue(params.find((p) => !(p instanceof Parameter)))}`
        : describeValue(params);
      throw new RnnkitError(
        `${this.constructor.name}: expected the parameters to optimize as an array of Parameters (model.parameters()), got ${bad}`,
      );
    }
    if (!(lr > 0))
      throw new RnnkitError(`${this.constructor.name}: lr must be positive, got ${lr}`);
    if (params.length === 0)
      throw new RnnkitError(`${this.constructor.name}: no parameters to optimize`);
    this.params = params;
    this.lr = lr;
    this.baseLr = lr;
    this.buffers = params.map(() => new Map());
  }

  abstract readonly type: string;
  protected abstract hyper(): Record<string, number | boolean>;
  protected abstract update(i: number, grad: Tensor): void;

  /** Applies one update from gradients aligned with `params`. */
  step(grads: readonly Tensor[]): void {
    if (grads.length !== this.params.length) {
      throw new RnnkitError(
        `${this.type}.step: got ${grads.length} gradients for ${this.params.length} parameters`,
      );
    }
    this.stepCount++;
    for (let i = 0; i < grads.length; i++) {
      if (this.params[i].trainable) this.update(i, grads[i]);
    }
  }

  /**
   * This optimizer's update as tensor ops for fused steps (see FusedUpdate), or null where it has
   * none or its next step cannot be fused (SGD's first momentum step).
   */
  fused(): FusedUpdate | null {
    return null;
  }

  /**
   * The named buffer of parameter i, created as zeros on first use. State follows its parameter:
   * after `model.to(backend)` moved the parameter, the buffer moves there too (values unchanged)
   * the next time it is used, so an optimizer built before the move needs no call of its own.
   */
  protected buffer(i: number, name: string): Tensor {
    const p = this.params[i];
    let b = this.buffers[i].get(name);
    if (!b) {
      b = keep(zeros(p.shape, 'float32', p.backend));
      this.buffers[i].set(name, b);
    } else if (b.backend !== p.backend) b.moveTo(p.backend);
    return b;
  }

  protected hasBuffer(i: number, name: string): boolean {
    return this.buffers[i].has(name);
  }

  stateDict(): OptimizerState {
    const tensors: Record<string, HostTensor> = {};
    this.buffers.forEach((m, i) => {
      for (const [name, t] of m)
        tensors[`${i}.${name}`] = { shape: t.shape, data: t.dataSync() as Float32Array };
    });
    return {
      type: this.type,
      stepCount: this.stepCount,
      lr: this.lr,
      hyper: this.hyper(),
      tensors,
    };
  }

  loadStateDict(s: OptimizerState): void {
    if (s.type !== this.type) {
      throw new RnnkitError(`optimizer state is for ${s.type}, this optimizer is ${this.type}`);
    }
    const mismatched = Object.entries(this.hyper()).filter(([k, v]) => s.hyper[k] !== v);
    if (mismatched.length) {
      throw new RnnkitError(
        `optimizer settings differ from the checkpoint: ${mismatched.map(([k, v]) => `${k} ${v} (checkpoint ${s.hyper[k]})`).join(', ')}`,
      );
    }
    for (const [key, host] of Object.entries(s.tensors)) {
      const [idx, name] = key.split('.');
      const i = Number(idx);
      const p = this.params[i];
      if (!p || host.data.length !== p.size) {
        throw new RnnkitError(
          `optimizer state '${key}' does not fit parameter ${i} of ${this.params.length}`,
        );
      }
      this.buffer(i, name).replaceStorage(
        p.backend.upload(Float32Array.from(host.data), p.shape, 'float32'),
      );
    }
    this.stepCount = s.stepCount;
    this.lr = s.lr;
  }
}
