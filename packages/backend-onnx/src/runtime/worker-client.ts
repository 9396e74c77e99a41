import {
  type Feed,
  type GraphTraits,
  NO_LOOPS,
  type PostedFeed,
  type Reply,
  type Request,
  type ValueRuntime,
} from './protocol.js';
import type { OnnxWorkerStoppedError } from './worker-stopped.js';

/** How many freed ids wait before they are sent on their own. */
const FREE_BATCH = 256;

/**
 * The backend's side of the worker protocol (protocol.ts), shared by the Node worker thread
 * (node/remote.ts) and the browser's Web Worker (web/web-runtime.ts): it hands out session,
 * value and request ids, posts loads and runs, batches frees, matches replies to the requests
 * that wait for them, and once the worker has stopped fails every pending and later request
 * with why. How a message reaches the worker, the session options, and how the worker's end is
 * noticed are each platform's own.
 */
export abstract class WorkerClient implements Omit<ValueRuntime, 'read' | 'dispose'> {
  readonly #pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  #stopped: OnnxWorkerStoppedError | null = null;
  #nextSid = 1;
  #nextId = 1;
  #nextRid = 1;
  #freed: number[] = [];
  /** Graph runs posted so far (tests read it). */
  runs = 0;

  /** Sends `m` to the worker, moving the buffers in `transfer` there. */
  protected abstract post(m: Request, transfer?: ArrayBuffer[]): void;

  /** The options a session is created with, for a graph with `traits`. */
  protected abstract loadOptions(traits: GraphTraits): object;

  /** Called once, after the worker has stopped and every pending request has failed. */
  protected onStop(): void {}

  /** Why the worker is unusable; null while it runs. */
  get stopped(): OnnxWorkerStoppedError | null {
    return this.#stopped;
  }

  /** Requests still waiting for a reply. */
  protected get pendingCount(): number {
    return this.#pending.size;
  }

  /** Throws why the worker stopped, if it has. */
  protected check(): void {
    const stopped = this.stopped;
    if (stopped) throw stopped;
  }

  /** The worker is gone: every pending and later request fails with `err`. */
  protected stop(err: OnnxWorkerStoppedError): void {
    if (this.#stopped) return;
    this.#stopped = err;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.#freed = [];
    this.onStop();
  }

  /** Hands a reply from the worker to the request waiting for it. */
  protected settle(r: Reply): void {
    const p = this.#pending.get(r.rid!);
    this.#pending.delete(r.rid!);
    p?.resolve(r);
  }

  /** Posts a request under a fresh request id; the promise settles with the worker's reply. */
  protected ask(m: Extract<Request, { t: 'read' | 'stats' }>): Promise<Reply> {
    this.check();
    this.flushFrees();
    const rid = this.#nextRid++;
    const reply = new Promise<Reply>((resolve, reject) =>
      this.#pending.set(rid, { resolve, reject }),
    );
    this.post({ ...m, rid });
    return reply;
  }

  /** Loads a model in the worker (its session options follow `traits`); returns its session id. */
  load(
    model: Uint8Array,
    inputs: readonly string[],
    outputs: readonly string[],
    traits: GraphTraits = NO_LOOPS,
  ): number {
    this.check();
    const sid = this.#nextSid++;
    this.post({ t: 'load', sid, model, inputs, outputs, options: this.loadOptions(traits) });
    return sid;
  }

  /**
   * Posts a run of session `sid`; returns the ids its outputs will have, then those of its moved
   * feeds, in order (their buffers go to the worker with the message).
   */
  run(sid: number, feeds: readonly Feed[], outputs: number): number[] {
    this.check();
    const outs = Array.from({ length: outputs }, () => this.#nextId++);
    const kept: number[] = [];
    const transfer: ArrayBuffer[] = [];
    const posted = feeds.map((f): PostedFeed => {
      if (!('move' in f)) return f;
      const keep = this.#nextId++;
      kept.push(keep);
      transfer.push(f.data.buffer as ArrayBuffer);
      return { data: f.data, shape: f.shape, keep };
    });
    this.post({ t: 'run', sid, feeds: posted, outs }, transfer);
    this.runs++;
    // after the run: inputs disposed while it was traced are freed once it has read them
    this.flushFrees();
    return [...outs, ...kept];
  }

  /** The worker may drop the value (sent with the next message). */
  free(id: number): void {
    if (this.#stopped) return;
    this.#freed.push(id);
    if (this.#freed.length >= FREE_BATCH) this.flushFrees();
  }

  /** Unloads session `sid`. */
  drop(sid: number): void {
    if (!this.#stopped) this.post({ t: 'drop', sid });
  }

  /** Sends the ids freed since the last message. */
  protected flushFrees(): void {
    if (this.#freed.length === 0 || this.#stopped) return;
    this.post({ t: 'free', ids: this.#freed });
    this.#freed = [];
  }
}
