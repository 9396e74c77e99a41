import type { Feed, HostValue, Reply, Request, ValueRuntime } from '../protocol.js';
import { unwrap } from '../protocol.js';
import { OnnxWorkerStoppedError } from '../worker-stopped.js';
import type { InitRequest } from './ort-web-worker.js';

/** Where ONNX Runtime Web runs, as the page's backend asked for it. */
export interface WebRuntimeConfig {
  /** 'wasm' (WebAssembly, CPU) or 'webgpu'. */
  ep: 'wasm' | 'webgpu';
  /** WebAssembly threads (1 unless the page is cross-origin isolated). */
  threads: number;
  /** Where onnxruntime-web's .wasm files are served from (`ort.env.wasm.wasmPaths`); its default when unset. */
  wasmPaths?: string;
}

/** The worker's script, started as a module worker (bundlers follow this `new URL` form). */
function startWorker(): Worker {
  return new Worker(new URL('./ort-web-worker.js', import.meta.url), { type: 'module' });
}

/**
 * ONNX Runtime Web in a Web Worker, the page's side: every graph (compiled steps and single
 * kernels alike) runs there, so training never blocks the page's main thread. It speaks the
 * Node worker's protocol (runtime/protocol.ts): `run` posts a run and returns at once with ids
 * for its outputs, which stay in the worker until read or freed, and `read` awaits a value.
 * There is no `readSync`: a page's main thread may not block, so values are read with
 * `await tensor.data()`.
 *
 * If the worker fails outside a graph run (an uncaught error, or `terminateWorker`), every
 * pending and later read rejects with OnnxWorkerStoppedError and `stopped` holds it.
 */
export class WebRuntime implements ValueRuntime {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  #stopped: OnnxWorkerStoppedError | null = null;
  #nextSid = 1;
  #nextId = 1;
  #nextRid = 1;
  #freed: number[] = [];
  /** Graph runs posted so far. */
  runs = 0;

  constructor(readonly config: WebRuntimeConfig) {
    const worker = startWorker();
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = this.#pending.get(e.data.rid!);
      this.#pending.delete(e.data.rid!);
      p?.resolve(e.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#stop(
        new OnnxWorkerStoppedError(`error: ${e.message || 'the worker script failed'}`, null),
      );
    };
    worker.onmessageerror = () => {
      this.#stop(
        new OnnxWorkerStoppedError('error: a message from the worker could not be read', null),
      );
    };
    const init: InitRequest = { t: 'init', ...config };
    worker.postMessage(init);
  }

  get stopped(): OnnxWorkerStoppedError | null {
    return this.#stopped;
  }

  /**
   * Ends the worker now, wherever it is (even inside a graph run); pending and later reads fail
   * with OnnxWorkerStoppedError naming `reason`. Tests use it to end the worker on purpose.
   */
  terminateWorker(reason: string): void {
    if (this.#stopped) return;
    this.#worker.terminate();
    this.#stop(new OnnxWorkerStoppedError(`terminated: ${reason}`, null));
  }

  #stop(err: OnnxWorkerStoppedError): void {
    if (this.#stopped) return;
    this.#stopped = err;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#freed = [];
  }

  #check(): void {
    if (this.#stopped) throw this.#stopped;
  }

  #post(m: Request): void {
    this.#worker.postMessage(m);
  }

  load(
    model: Uint8Array,
    inputs: readonly string[],
    outputs: readonly string[],
    loops = false,
  ): number {
    this.#check();
    const sid = this.#nextSid++;
    this.#post({ t: 'load', sid, model, inputs, outputs, options: { loops } });
    return sid;
  }

  run(sid: number, feeds: readonly Feed[], outputs: number): number[] {
    this.#check();
    const outs = Array.from({ length: outputs }, () => this.#nextId++);
    this.#post({ t: 'run', sid, feeds, outs });
    this.runs++;
    // after the run: inputs disposed while it was traced are freed once it has read them
    this.#flushFrees();
    return outs;
  }

  async read(id: number): Promise<HostValue> {
    return unwrap(await this.#ask({ t: 'read', id }));
  }

  /** Values and sessions the worker holds, once it has handled every message sent so far. */
  async stats(): Promise<{ values: number; sessions: number }> {
    const [values, sessions] = unwrap(await this.#ask({ t: 'stats' })).data;
    return { values, sessions };
  }

  #ask(m: Extract<Request, { t: 'read' | 'stats' }>): Promise<Reply> {
    this.#check();
    this.#flushFrees();
    const rid = this.#nextRid++;
    const reply = new Promise<Reply>((resolve, reject) =>
      this.#pending.set(rid, { resolve, reject }),
    );
    this.#post({ ...m, rid });
    return reply;
  }

  free(id: number): void {
    if (this.#stopped) return;
    this.#freed.push(id);
    if (this.#freed.length >= 256) this.#flushFrees();
  }

  drop(sid: number): void {
    if (!this.#stopped) this.#post({ t: 'drop', sid });
  }

  dispose(): void {
    if (this.#stopped) return;
    this.#worker.terminate();
    this.#stop(new OnnxWorkerStoppedError('the backend was disposed', null));
  }

  #flushFrees(): void {
    if (this.#freed.length === 0 || this.#stopped) return;
    this.#post({ t: 'free', ids: this.#freed });
    this.#freed = [];
  }
}
