import type { Backend, KernelTensor } from './backend.js';
import type { DType, Shape, TypedArray } from './dtype.js';
import { engine } from './engine.js';
import { DisposedError, RnnkitError } from './errors.js';
import { describeValue } from './options.js';
import { backendNamed } from './registry.js';
import { sizeOf } from './shape.js';

let nextId = 1;

/**
 * An n-dimensional array whose storage belongs to a backend. Create tensors with `tensor`,
 * `zeros`, ... and combine them with the ops; read values back with `await t.data()`
 * (`dataSync()` only where the backend can read synchronously).
 */
export class Tensor implements KernelTensor {
  readonly id: number;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
  readonly backend: Backend;
  #storage: unknown;
  #disposed = false;

  constructor(backend: Backend, storage: unknown, shape: Shape, dtype: DType) {
    this.id = nextId++;
    this.backend = backend;
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    engine.track(this);
  }

  get storage(): unknown {
    if (this.#disposed) {
      throw new DisposedError(
        `tensor #${this.id} [${this.shape.join(', ')}] was used after dispose()`,
      );
    }
    return this.#storage;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /**
   * Replaces the storage (used by optimizers and loadStateDict); frees the old one if different,
   * or, inside `revertible`, keeps it until the call is committed or reverted.
   */
  replaceStorage(storage: unknown): void {
    const old = this.storage;
    if (old !== storage) {
      if (engine.journal) engine.journal.push({ t: this, old });
      else this.backend.dispose(old);
    }
    this.#storage = storage;
  }

  /**
   * Takes `src`'s storage as this tensor's, as `replaceStorage` would (the old storage is freed,
   * or kept inside `revertible`); `src` ends disposed without freeing what it held.
   */
  moveStorageFrom(src: Tensor): void {
    if (src === this) return;
    const s = src.storage;
    src.#disposed = true;
    engine.untrack(src);
    this.replaceStorage(s);
  }

  /**
   * Sets the storage and returns the previous one, which the caller then owns: nothing is freed
   * or journaled. For `substitute`, which puts the old storage back afterwards.
   */
  swapStorage(storage: unknown): unknown {
    const old = this.storage;
    this.#storage = storage;
    return old;
  }

  /**
   * Moves the values to another backend in place (PyTorch's `t.data = t.to(device)`): this object,
   * its id and every reference to it (a module's property, an optimizer's parameter list) now
   * live on `backend`. The values are read back asynchronously (reads are asynchronous by
   * contract) and uploaded unchanged, bit for bit; the old storage is freed. Takes a Backend or
   * the name of a started one; `Module.to` moves a model.
   */
  async moveTo(backend: Backend | string): Promise<this> {
    const target = resolveTarget('Tensor.moveTo', backend);
    if (target === this.backend) return this;
    const values = (await this.data()).slice();
    this.#rehome(target, target.upload(values, this.shape, this.dtype));
    return this;
  }

  /**
   * `moveTo` without waiting, for code that cannot await: only where this tensor's backend can
   * read synchronously (`backend.readSync`), which code must check first; elsewhere it throws
   * naming `await tensor.moveTo(...)`.
   */
  moveToSync(backend: Backend | string): this {
    const target = resolveTarget('Tensor.moveToSync', backend);
    if (target === this.backend) return this;
    if (!this.backend.readSync) {
      throw new RnnkitError(
        `Tensor.moveToSync: backend '${this.backend.name}' cannot read synchronously; use await tensor.moveTo('${target.name}')`,
      );
    }
    this.#rehome(target, target.upload(this.dataSync().slice(), this.shape, this.dtype));
    return this;
  }

  /** Frees the storage on the current backend and takes `storage` on `target` as this tensor's. */
  #rehome(target: Backend, storage: unknown): void {
    this.backend.dispose(this.storage);
    (this as { backend: Backend }).backend = target;
    this.#storage = storage;
  }

  /** Reads the values back to the host. */
  async data(): Promise<TypedArray> {
    return this.backend.read(this);
  }

  /**
   * Reads the values back synchronously, a capability: only backends with `readSync` have it (a
   * WebGPU-style backend has none), so code that calls this must check `tensor.backend.readSync`
   * first; elsewhere it throws naming the backend and `await tensor.data()`.
   */
  dataSync(): TypedArray {
    const read = this.backend.readSync;
    if (!read) {
      throw new RnnkitError(
        `backend '${this.backend.name}' cannot read synchronously (reads are asynchronous by contract); use await tensor.data()`,
      );
    }
    return read.call(this.backend, this);
  }

  /** The single value of a one-element tensor, synchronously: a capability, as `dataSync()`. */
  item(): number {
    if (this.size !== 1) {
      throw new RnnkitError(
        `item(): tensor has ${this.size} elements, shape [${this.shape.join(', ')}]; item() needs exactly one`,
      );
    }
    return this.dataSync()[0];
  }

  /** Values as a plain array (flat, row-major). */
  async array(): Promise<number[]> {
    return Array.from(await this.data());
  }

  dispose(): void {
    if (this.#disposed) return;
    this.backend.dispose(this.#storage);
    this.#disposed = true;
    engine.untrack(this);
  }

  toString(): string {
    return `Tensor(#${this.id}, [${this.shape.join(', ')}], ${this.dtype}, ${this.backend.name})`;
  }
}

/** A `.to()` / `.moveTo()` target: a Backend, or a backend's name (started if it can be). */
export function resolveTarget(who: string, target: Backend | string): Backend {
  if (typeof target === 'string') return backendNamed(target);
  if (typeof target === 'object' && target !== null && typeof target.upload === 'function')
    return target;
  throw new RnnkitError(
    `${who}: expected a backend name ('js', 'tfjs-cpu', 'onnx', …) or a Backend, got ${describeValue(target)}`,
  );
}
