import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { GraphTraits, HostValue, Reply, Request, ValueRuntime } from '../protocol.js';
import { unwrap } from '../protocol.js';
import { WorkerClient } from '../worker-client.js';
import { OnnxWorkerStoppedError, stoppedError, type WorkerEnd } from '../worker-stopped.js';
import { type SessionConfig, sessionOptions } from './runtime.js';

/** How long a synchronous read polls before it sleeps. */
const SPIN_MS = 0.5;
/**
 * How long an asynchronous read keeps the event loop busy before it lets it sleep, and how long
 * the worker polls for its next message before it sleeps, with one intra-op thread. With more,
 * neither spins: the spinning takes the cores ONNX Runtime's pool threads need, and training ran
 * slower spinning than not (figures in tooling/bench/README.md).
 */
const ASYNC_SPIN_MS = 5;
const WORKER_SPIN_NS = 2_000_000;

/** How long closing the worker (at exit, on dispose) may wait for it. */
const CLOSE_WAIT_MS = 5000;

/**
 * Runtimes whose workers may hold ONNX Runtime objects. At exit a worker is torn down wherever
 * it is, and sessions and tensors still alive then are finalized after ONNX Runtime's
 * environment: the process aborted ("terminate called after throwing an instance of
 * 'Napi::Error'", exit code 134) in 3 of 4 bench runs once graphs had run in the worker. So each
 * worker releases them first, from one exit hook for all runtimes.
 */
const open = new Set<RemoteRuntime>();
let exitHook = false;

function releaseAtExit(rt: RemoteRuntime): void {
  open.add(rt);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const r of open) r.release();
  });
}

export type { Feed } from '../protocol.js';

/**
 * Compiled graphs run on a `worker_threads` worker (src/ort-worker.mjs), as a GPU runs kernels
 * on a stream: `run` posts the graph and returns at once with ids for its outputs, which stay in
 * the worker until read or freed. The main thread goes on (tracing the next step, redrawing a
 * progress bar, handling Ctrl-C) while ONNX Runtime computes; an `await read` waits without
 * blocking the event loop, and `readSync` blocks on an Atomics wait for code that must have the
 * value now (a sync `item()`, an eager kernel). The worker handles messages in order, so a read
 * or a run sees every run posted before it.
 *
 * The worker is started by a watching thread (src/ort-supervisor.mjs) that reports its end, so a
 * worker that dies fails every pending and later read with OnnxWorkerStoppedError (the exit
 * code and error in its message), a blocked synchronous read included, instead of leaving them
 * waiting forever; `stopped` then holds that error.
 */
export class RemoteRuntime extends WorkerClient implements ValueRuntime {
  /** The watching thread; the worker itself is its child. */
  readonly #worker: Worker;
  readonly #bell = new Int32Array(new SharedArrayBuffer(4));
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  /** Set to 1 by the watching thread once the worker has ended. */
  readonly #life = new Int32Array(new SharedArrayBuffer(4));
  readonly #requests: MessagePort;
  readonly #replies: MessagePort;
  readonly #syncReplies: MessagePort;
  /** The watching thread's port: the worker's end comes on it, termination requests go on it. */
  readonly #status: MessagePort;

  constructor(readonly config: SessionConfig) {
    super();
    const requests = new MessageChannel();
    const replies = new MessageChannel();
    const syncReplies = new MessageChannel();
    const status = new MessageChannel();
    this.#requests = requests.port1;
    this.#replies = replies.port1;
    this.#syncReplies = syncReplies.port1;
    this.#status = status.port1;
    const ortDir = dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
    const ports = [requests.port2, replies.port2, syncReplies.port2];
    this.#worker = new Worker(new URL('./ort-supervisor.mjs', import.meta.url), {
      workerData: {
        ortWorker: new URL('./ort-worker.mjs', import.meta.url).href,
        ortData: {
          spinNs: config.threads === 1 ? WORKER_SPIN_NS : 0,
          ortDir,
          bell: this.#bell.buffer,
          flag: this.#flag.buffer,
          requests: ports[0],
          replies: ports[1],
          syncReplies: ports[2],
        },
        status: status.port2,
        life: this.#life.buffer,
        flag: this.#flag.buffer,
      },
      transferList: [...ports, status.port2],
    });
    this.#replies.on('message', (m: Reply) => {
      this.settle(m);
      if (this.pendingCount === 0) this.#idle();
    });
    this.#status.on('message', (end: WorkerEnd) => this.stop(stoppedError(end)));
    // the watching thread itself ended (it outlives the worker only to report it)
    this.#worker.on('exit', (code) => {
      this.#stopNow();
      this.stop(stoppedError({ code, error: 'the thread watching it ended first' }));
    });
    // an idle worker does not keep the process alive
    this.#idle();
    this.#status.unref();
    releaseAtExit(this);
  }

  /** Why the worker is unusable (it stopped, or the runtime was disposed); null while it runs. */
  override get stopped(): OnnxWorkerStoppedError | null {
    if (!super.stopped && Atomics.load(this.#life, 0) === 1) this.#stopNow();
    return super.stopped;
  }

  /**
   * Ends the worker thread now, wherever it is (even inside a graph run); pending and later reads
   * fail with OnnxWorkerStoppedError naming `reason`. Tests use it to kill the worker on purpose.
   */
  terminateWorker(reason: string): void {
    if (!super.stopped) this.#status.postMessage({ t: 'terminate', reason });
  }

  /** The watching thread marked the worker's end: take its report off the port now. */
  #stopNow(): void {
    if (super.stopped) return;
    const got = receiveMessageOnPort(this.#status);
    if (got) this.stop(stoppedError(got.message as WorkerEnd));
  }

  /** The worker is gone (every pending read has failed). */
  protected override onStop(): void {
    // a worker that has ended holds nothing: exit must not wait for its answer
    this.#released = true;
    open.delete(this);
    this.#idle();
  }

  /** No read is waiting: neither thread keeps the process alive. */
  #idle(): void {
    this.#worker.unref();
    this.#replies.unref();
  }

  /**
   * Has the worker release every session and value, and waits until it has (at most
   * CLOSE_WAIT_MS: a worker that died or is stuck in a long run does not hold the exit up).
   */
  release(): void {
    if (this.#released || this.stopped) return;
    this.#released = true;
    try {
      this.#exchange({ t: 'close' }, CLOSE_WAIT_MS);
    } catch (err) {
      // it stopped meanwhile: it holds nothing any more
      if (!(err instanceof OnnxWorkerStoppedError)) throw err;
    }
  }
  #released = false;

  /** Posts a message and rings the worker's doorbell (it may be asleep). */
  protected post(m: Request, transfer: ArrayBuffer[] = []): void {
    this.#requests.postMessage(m, transfer);
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }

  protected loadOptions(traits: GraphTraits): object {
    return sessionOptions(this.config, traits);
  }

  /** A value's host copy, waiting for the event loop to deliver it. */
  async read(id: number): Promise<HostValue> {
    const reply = this.ask({ t: 'read', id });
    // while a read waits, the process waits for its answer, or for news of the worker's end
    // (the reply cannot arrive before this code yields, so referencing after posting is in time)
    this.#replies.ref();
    this.#worker.ref();
    // Keep the event loop turning (timers, I/O and signals still run between turns) for a
    // while rather than let it sleep: a sleeping thread is slow to wake (see ort-worker.mjs).
    let done = false;
    void reply.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    const t = performance.now();
    const span = this.config.threads === 1 ? ASYNC_SPIN_MS : 0;
    while (!done && performance.now() - t < span) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return unwrap(await reply);
  }

  /**
   * Values and sessions the worker holds, once it has handled every message sent so far; the
   * garbage collections it has made for freed values, and its array buffers' size (MiB).
   */
  stats(): { values: number; sessions: number; collections: number; arrayBuffersMiB: number } {
    const [values, sessions, collections, arrayBuffersMiB] = this.#request({ t: 'stats' }).data;
    return { values, sessions, collections, arrayBuffersMiB };
  }

  /** A value's host copy now: blocks this thread until the worker has run up to it. */
  readSync(id: number): HostValue {
    return this.#request({ t: 'read', id });
  }

  /** Sends a request and blocks for its reply. */
  #request(m: Request): HostValue {
    return unwrap(this.#exchange(m, Number.POSITIVE_INFINITY)!);
  }

  /** Sends a request and blocks for its reply, for at most `limitMs` (undefined past it). */
  #exchange(m: Request, limitMs: number): Reply | undefined {
    this.check();
    this.flushFrees();
    Atomics.store(this.#flag, 0, 0);
    this.post(m);
    // spin a little first: a small graph's result is there sooner than a sleeping thread wakes
    const t = performance.now();
    for (;;) {
      const got = receiveMessageOnPort(this.#syncReplies);
      if (got) return got.message as Reply;
      // the watching thread sets the flag too when the worker ends: no reply will come
      this.check();
      const waited = performance.now() - t;
      if (waited > limitMs) return undefined;
      if (waited > SPIN_MS) Atomics.wait(this.#flag, 0, 0, Math.min(1000, limitMs - waited));
    }
  }

  dispose(): void {
    open.delete(this);
    this.release();
    this.stop(new OnnxWorkerStoppedError('the backend was disposed', null));
    void this.#worker.terminate();
  }
}
