import type { FromWorker, ToWorker } from '../protocol.js';

// A page's training worker. A new training starts a fresh worker (the old one, if still busy,
// is ended): each run starts from a clean backend state.

export class WorkerClient {
  #worker: Worker | undefined;

  constructor(readonly onMessage: (m: FromWorker) => void) {}

  fresh(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  post(m: ToWorker, transfer: Transferable[] = []): void {
    if (!this.#worker) {
      this.#worker = new Worker(new URL('../worker.ts', import.meta.url), { type: 'module' });
      this.#worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
      this.#worker.onerror = (e) => this.onMessage({ type: 'error', message: e.message });
    }
    this.#worker.postMessage(m, transfer);
  }
}
