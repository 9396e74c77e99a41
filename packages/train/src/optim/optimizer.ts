import {
  describeValue,
  fmtShape,
  type HostTensor,
  keep,
  noGrad,
  Parameter,
  RnnkitError,
  ShapeError,
  sameShape,
  scalar,
  type Tensor,
  tidy,
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
 *
 * An optimizer is one definition: its update written once in core ops (`definition`). A step
 * runs the backend's fused kernel for it where the optimizer has one (`kernel`) and the backend
 * implements it, else the definition; fused steps trace the definition, and the conformance
 * suite checks each backend's kernel against it. A new optimizer is one file: a subclass with
 * its options, `hyper` and `definition` (see Adagrad).
 */
export abstract class Optimizer {
  readonly params: Parameter[];
  /** Current learning rate (schedules change it). */
  lr: number;
  /** Learning rate given at construction; schedules scale it. */
  readonly baseLr: number;
  stepCount = 0;
  /**
   * Use the backend's fused update kernel where this optimizer has one and the backend implements
   * it (the default). False always runs the core-ops definition, which is what the kernels are
   * checked against; the two agree to rounding.
   */
  fusedKernel = true;
  /** This step's definitions, built once per step, not per parameter (index 1: a first update). */
  #stepDefs: (FusedUpdate | undefined)[] = [];
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

  /**
   * The update written once in core ops: what fused steps trace, what a backend without a fused
   * kernel runs, and what the conformance suite checks the kernels against. `first` is true on
   * a parameter's first update (no state yet), for rules whose first step differs (SGD's
   * momentum buffer starts as the gradient).
   */
  abstract definition(first?: boolean): FusedUpdate;

  /**
   * Runs the backend's fused kernel for parameter i's update and returns true, or returns false
   * where this optimizer has none or the parameter's backend does not implement it. `first` as
   * in `definition`.
   */
  protected kernel(_i: number, _grad: Tensor, _first: boolean): boolean {
    return false;
  }

  /** One parameter's update: the backend's fused kernel where there is one, else the definition. */
  protected update(i: number, grad: Tensor): void {
    const p = this.params[i];
    // the definition broadcasts, so a gradient of another shape would reshape the parameter
    if (!sameShape(grad.shape, p.shape)) {
      throw new ShapeError(
        `${this.type}.step: gradient ${i} is ${fmtShape(grad.shape)}, its parameter ${fmtShape(p.shape)}; pass the gradients in the order of the parameters`,
      );
    }
    const first = this.buffers[i].size === 0;
    if (this.fusedKernel && this.kernel(i, grad, first)) return;
    const k = first ? 1 : 0;
    const d = this.#stepDefs[k] ?? this.definition(first);
    this.#stepDefs[k] = d;
    const state = d.state(i);
    const be = p.backend;
    const out = tidy(() =>
      noGrad(() => {
        // scalars (shape []) so that broadcasting keeps every shape, a parameter of shape [] too
        const s = d.stepScalars(this.stepCount, this.lr).map((v) => scalar(v, be));
        const c = d.constants.map((v) => scalar(v, be));
        const r = d.ops(p, grad, state, s, c);
        return [r.param, ...r.state];
      }),
    );
    p.moveStorageFrom(out[0]);
    state.forEach((t, j) => {
      t.moveStorageFrom(out[j + 1]);
    });
  }

  /** Applies one update from gradients aligned with `params`. */
  step(grads: readonly Tensor[]): void {
    if (grads.length !== this.params.length) {
      throw new RnnkitError(
        `${this.type}.step: got ${grads.length} gradients for ${this.params.length} parameters`,
      );
    }
    // state left behind by model.to moves first, so a step that cannot move it changes nothing
    this.buffers.forEach((m, i) => {
      for (const [name, b] of m) this.#follow(i, name, b);
    });
    this.stepCount++;
    this.#stepDefs = [];
    for (let i = 0; i < grads.length; i++) {
      if (this.params[i].trainable) this.update(i, grads[i]);
    }
  }

  /**
   * This optimizer's definition for fused steps (see FusedUpdate), or null where its next step
   * cannot be fused (SGD's first momentum step).
   */
  fused(): FusedUpdate | null {
    return this.definition();
  }

  /**
   * The named buffer of parameter i, created as zeros on first use. State follows its parameter:
   * after `model.to(backend)` moved the parameter, the buffer moves there too (values unchanged)
   * the next time it is used, so an optimizer built before the move needs no call of its own,
   * as long as the backend it leaves can read synchronously; from one that cannot (reads are
   * asynchronous by contract), `await optimizer.followParameters()` moves it first (Trainer.fit
   * does).
   */
  protected buffer(i: number, name: string): Tensor {
    const p = this.params[i];
    let b = this.buffers[i].get(name);
    if (!b) {
      b = keep(zeros(p.shape, 'float32', p.backend));
      this.buffers[i].set(name, b);
    } else this.#follow(i, name, b);
    return b;
  }

  /** Moves buffer `name` of parameter i to its parameter's backend, synchronously (see buffer). */
  #follow(i: number, name: string, b: Tensor): void {
    const p = this.params[i];
    if (b.backend === p.backend) return;
    if (!b.backend.readSync) {
      throw new RnnkitError(
        `${this.type}: the '${name}' state of parameter ${i} is on backend '${b.backend.name}', which cannot read synchronously, and its parameter on '${p.backend.name}'; after model.to(...) call await optimizer.followParameters() before the next step`,
      );
    }
    b.moveToSync(p.backend);
  }

  /** Moves every state buffer to its parameter's backend (after `model.to`), reading asynchronously. */
  async followParameters(): Promise<this> {
    for (const [i, m] of this.buffers.entries())
      for (const b of m.values()) await b.moveTo(this.params[i].backend);
    return this;
  }

  protected hasBuffer(i: number, name: string): boolean {
    return this.buffers[i].has(name);
  }

  /** Whether some trainable parameter has not made its buffer `name` yet (its first update). */
  protected someFirstUpdate(name: string): boolean {
    return this.params.some((p, i) => p.trainable && !this.hasBuffer(i, name));
  }

  /**
   * Settings and host copies of the state, read back asynchronously. Every read is issued before
   * the first await, so the copies and the settings are of the same step.
   */
  async stateDict(): Promise<OptimizerState> {
    const { type, stepCount, lr } = this;
    const hyper = this.hyper();
    const reads = this.buffers.flatMap((m, i) =>
      [...m].map(
        async ([name, t]): Promise<[string, HostTensor]> => [
          `${i}.${name}`,
          { shape: t.shape, data: (await t.data()) as Float32Array },
        ],
      ),
    );
    const tensors = Object.fromEntries(await Promise.all(reads));
    return { type, stepCount, lr, hyper, tensors };
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

/**
 * Whether `opt` updates by its definition alone: a subclass that overrides step or update runs
 * code of its own, which a fused block (it traces the definition) would skip, so its steps run
 * one per call.
 */
export function updatesByDefinition(opt: Optimizer): boolean {
  type Updates = Record<'step' | 'update', unknown>;
  const own = opt as unknown as Updates;
  const base = Optimizer.prototype as unknown as Updates;
  return own.step === base.step && own.update === base.update;
}
