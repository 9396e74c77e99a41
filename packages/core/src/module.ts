import type { Backend } from './backend.js';
import type { Shape } from './dtype.js';
import { fmtShape, RnnkitError } from './errors.js';
import { sameShape } from './shape.js';
import { resolveTarget, Tensor } from './tensor.js';
import { keep } from './tidy.js';

/** A trainable tensor owned by a Module. Its storage is replaced in place by optimizers. */
export class Parameter extends Tensor {
  /** False freezes it: optimizers and `parameters({ trainableOnly: true })` skip it. */
  trainable = true;

  /** Takes over a copy of `t`'s values (and disposes `t`). Survives tidy scopes. */
  constructor(t: Tensor) {
    super(t.backend, t.backend.copy(t), t.shape, t.dtype);
    t.dispose();
    keep(this);
  }

  /**
   * Copies values from another tensor of the same shape into this parameter. A tensor of another
   * backend is read synchronously, which only a backend with `readSync` can: from one without,
   * move it first (`await src.moveTo(parameter.backend)`) or pass host values to loadStateDict.
   */
  assign(src: Tensor): void {
    if (!sameShape(src.shape, this.shape)) {
      throw new RnnkitError(
        `Parameter.assign: shape ${fmtShape(src.shape)} does not match ${fmtShape(this.shape)}`,
      );
    }
    if (src.backend !== this.backend && !src.backend.readSync) {
      throw new RnnkitError(
        `Parameter.assign: the source tensor is on backend '${src.backend.name}', which cannot read synchronously, and this parameter on '${this.backend.name}'; move it first: await src.moveTo('${this.backend.name}')`,
      );
    }
    const storage =
      src.backend === this.backend
        ? this.backend.copy(src)
        : this.backend.upload(src.dataSync().slice(), this.shape, this.dtype);
    this.replaceStorage(storage);
  }
}

/** Host values for one entry of a state dict, as checkpoints store them. */
export interface HostTensor {
  shape: Shape;
  data: Float32Array;
}

export type StateDict = Record<string, Tensor | HostTensor>;

/**
 * Base class of layers and models. Parameters and sub-modules are found from the object's own
 * properties (also inside arrays), named as PyTorch does: `layers.0.weightIh`.
 */
export abstract class Module {
  training = true;

  /** Parameters with dotted names, in declaration order. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    walk(this, '', out, new Set());
    return out;
  }

  parameters(options: { trainableOnly?: boolean } = {}): Parameter[] {
    const ps = this.namedParameters().map(([, p]) => p);
    return options.trainableOnly ? ps.filter((p) => p.trainable) : ps;
  }

  /**
   * Buffers: tensors the module (or a sub-module) holds as properties, also inside arrays, that
   * are not parameters: state that `to` moves with the parameters but no optimizer trains.
   */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    walkTensors(this, '', out, new Set(), (t) => !(t instanceof Parameter));
    return out;
  }

  /**
   * Moves every parameter and buffer to `backend` (a Backend, or the name of a registered one;
   * one that starts asynchronously, such as 'onnx', must be started first with
   * `await setBackend(name)`), in place, as PyTorch's `module.to(device)`: the parameter objects
   * stay the same, so an optimizer built on them keeps working (its state follows its parameters
   * at the next step), and the values are copied bit for bit. The values are read back
   * asynchronously, so await it: `await model.to('onnx')`. Resolves to the module.
   */
  async to(backend: Backend | string): Promise<this> {
    const target = resolveTarget(`${this.constructor.name}.to`, backend);
    for (const [, p] of this.namedParameters()) await p.moveTo(target);
    for (const [, b] of this.namedBuffers()) await b.moveTo(target);
    return this;
  }

  /** Direct sub-modules. */
  children(): Module[] {
    const out: Module[] = [];
    for (const v of Object.values(this)) {
      if (v instanceof Module) out.push(v);
      else if (Array.isArray(v)) for (const e of v) if (e instanceof Module) out.push(e);
    }
    return out;
  }

  /** Switches training mode (dropout on) for this module and all sub-modules. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children()) c.train(mode);
    return this;
  }

  /** Switches to evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /** Name → parameter tensor (the live parameters, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Loads values into the parameters. Missing or unexpected keys and shape mismatches are errors
   * that list every offending name, unless `strict: false` (then only present keys are loaded).
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const params = new Map(this.namedParameters());
    const problems: string[] = [];
    if (strict) {
      const missing = [...params.keys()].filter((k) => !(k in state));
      const extra = Object.keys(state).filter((k) => !params.has(k));
      if (missing.length) problems.push(`missing keys: ${missing.join(', ')}`);
      if (extra.length) problems.push(`unexpected keys: ${extra.join(', ')}`);
    }
    for (const [name, p] of params) {
      const src = state[name];
      if (src && !sameShape(src.shape, p.shape)) {
        problems.push(`${name}: expected shape ${fmtShape(p.shape)}, got ${fmtShape(src.shape)}`);
      }
    }
    if (problems.length) {
      throw new RnnkitError(`loadStateDict(${this.constructor.name}): ${problems.join('; ')}`);
    }
    for (const [name, p] of params) {
      const src = state[name];
      if (!src) continue;
      if (src instanceof Tensor) p.assign(src);
      else p.replaceStorage(p.backend.upload(Float32Array.from(src.data), p.shape, 'float32'));
    }
  }
}

function walk(obj: object, prefix: string, out: [string, Parameter][], seen: Set<object>): void {
  walkTensors(obj, prefix, out as [string, Tensor][], seen, (t) => t instanceof Parameter);
}

/** The tensors `pick` accepts among a module's properties and its sub-modules', with dotted names. */
function walkTensors(
  obj: object,
  prefix: string,
  out: [string, Tensor][],
  seen: Set<object>,
  pick: (t: Tensor) => boolean,
): void {
  if (seen.has(obj)) return;
  seen.add(obj);
  for (const [key, v] of Object.entries(obj)) {
    const name = prefix + key;
    if (v instanceof Tensor) {
      if (pick(v)) out.push([name, v]);
    } else if (v instanceof Module) walkTensors(v, `${name}.`, out, seen, pick);
    else if (Array.isArray(v)) {
      v.forEach((e, i) => {
        if (e instanceof Tensor) {
          if (pick(e)) out.push([`${name}.${i}`, e]);
        } else if (e instanceof Module) walkTensors(e, `${name}.${i}.`, out, seen, pick);
      });
    }
  }
}
