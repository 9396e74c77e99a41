import type { GraphTraits, HostValue, Reply, Request, ValueRuntime } from '../protocol.js';
import { unwrap } from '../protocol.js';
import { WorkerClient } from '../worker-client.js';
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
export class WebRuntime extends WorkerClient implements ValueRuntime {
  readonly #worker: Worker;

  constructor(readonly config: WebRuntimeConfig) {
    super();
    const worker = startWorker();
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<Reply>) => this.settle(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.stop(
        new OnnxWorkerStoppedError(`error: ${e.message || 'the worker script failed'}`, null),
      );
    };
    worker.onmessageerror = () => {
      this.stop(
        new OnnxWorkerStoppedError('error: a message from the worker could not be read', null),
      );
    };
    const init: InitRequest = { t: 'init', ...config };
    worker.postMessage(init);
  }

  /**
   * Ends the worker now, wherever it is (even inside a graph run); pending and later reads fail
   * with OnnxWorkerStoppedError naming `reason`. Tests use it to end the worker on purpose.
   */
  terminateWorker(reason: string): void {
    if (this.stopped) return;
    this.#worker.terminate();
    this.stop(new OnnxWorkerStoppedError(`terminated: ${reason}`, null));
  }

  protected post(m: Request, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(m, transfer);
  }

  protected loadOptions(traits: GraphTraits): object {
    return { loops: traits.loops };
  }

  async read(id: number): Promise<HostValue> {
    return unwrap(await this.ask({ t: 'read', id }));
  }

  /**
   * Values and sessions the worker holds, once it has handled every message sent so far; the
   * WebAssembly threads onnxruntime-web computes with (as it settled them once a graph has
   * loaded: 1 where the worker cannot run threads; 0 if onnxruntime-web did not load), and
   * whether the worker is cross-origin isolated.
   */
  async stats(): Promise<{ values: number; sessions: number; threads: number; isolated: boolean }> {
    const [values, sessions, threads, isolated] = unwrap(await this.ask({ t: 'stats' })).data;
    return { values, sessions, threads, isolated: isolated === 1 };
  }

  dispose(): void {
    if (this.stopped) return;
    this.#worker.terminate();
    this.stop(new OnnxWorkerStoppedError('the backend was disposed', null));
  }
}
