import type { GraphTraits, HostValue, ValueRuntime } from '../runtime/protocol.js';
import type { LoweringOptions } from './emit.js';

/** A session on the calling thread (Node only: onnxruntime-node runs synchronously there). */
export interface LocalSession {
  run(inputs: readonly HostValue[]): HostValue[];
  dispose(): void;
}

/** Makes the calling thread's session of a graph. */
export type MakeLocal = (g: BuiltGraph) => LocalSession;

/** What the cache needs of the session settings: where graphs run, how kernels are lowered. */
export interface CacheConfig {
  worker?: boolean | 'auto';
  lowering?: LoweringOptions;
}

/** What a trace hands over the first time a graph is seen (traits: see sessionOptions in runtime.ts). */
export interface BuiltGraph extends GraphTraits {
  model: Uint8Array;
  inputs: string[];
  outputs: string[];
  /** Bytes of its inputs (see LARGE_GRAPH_BYTES). */
  inputBytes: number;
}

/** A compiled graph: its model, and its session on this thread and/or in the worker. */
export interface CachedGraph extends BuiltGraph {
  local?: LocalSession;
  /** Its session id in the worker, once loaded there. */
  sid?: number;
  /** The cache's run count at its last run. */
  ran: number;
  /** Its session was released once for idleness: it keeps the next one for good. */
  retired?: true;
}

/**
 * A graph's session is released (its model kept: a later run makes a new session from it) as soon
 * as another graph's session is made (see GraphCache.#making), or once this many runs of other
 * graphs have passed since it last ran; once only for graphs under LARGE_GRAPH_BYTES, so a small
 * graph that comes back (every epoch's last, shorter block, a validation pass) costs one more
 * session at most. Each ONNX Runtime session keeps its own memory arena, as large as its largest
 * run needed, and the Trainer builds a graph for every block size it tries while sizing its calls:
 * without this, every size left behind would hold its memory for the rest of the process.
 */
export const RETIRE_AFTER = 4;

/**
 * With worker 'auto', the first graph run that takes this long (ms) moves all later runs to the
 * worker: a shorter run blocks the event loop for less than half a progress bar's redraw
 * interval (100 ms), and the hand-over to the worker (a wake-up each way) slows small graphs,
 * runs of several fused steps included (figures in tooling/bench/README.md). It was 10 ms before
 * fused steps made such runs common.
 */
export const AUTO_WORKER_MS = 50;

/**
 * Graphs whose inputs take this many bytes (hidden 1024's training steps: 18 MiB of parameters,
 * 55 with Adam's moments) are large:
 * - With worker 'auto', the first large graph moves all runs to the worker before it runs. Its
 *   host inputs then move there with the run (see MOVED_FEED_BYTES) instead of staying behind: a
 *   slow first run on this thread left them, and the values it made, to this thread's garbage
 *   collector, which seldom runs once the work is in the worker, and its session's arena to this
 *   thread's allocator. Sized by the Trainer at h1024 s64 b1, the peak was 691-793 MiB with the
 *   first steps here, 637-660 with every run in the worker. Such graphs take tens of
 *   milliseconds, so a hand-over costs them little; hidden 512's training steps (15.5 MiB with
 *   the moments) stay under the limit.
 * - Their sessions are released whenever another graph's session is made, not once only: at
 *   hidden 1024, batch 1 (about 80 ms a step) timing noise moved the Trainer's block size between
 *   2 and 4 steps a call for whole runs, and both graphs kept their sessions (1,027-1,094 MiB
 *   against 861-903 at one size). Making a session took 19-21 ms there, against 160-320 ms a call.
 * (figures in tooling/bench/README.md)
 */
export const LARGE_GRAPH_BYTES = 16 << 20;

/**
 * Sessions of compiled graphs by trace signature, least recently used dropped past `limit` (a
 * function traced with ever-changing shapes would otherwise keep every session alive), and the
 * choice of thread they run on.
 */
export class GraphCache {
  readonly #graphs = new Map<string, CachedGraph>();
  /** Graphs built (cache misses) so far; tests and benchmarks read it. */
  builds = 0;
  /** Graph runs so far. */
  #runs = 0;
  /** The graph built last (for inspection: tests check that time stays a loop). */
  last: BuiltGraph | undefined;
  #inWorker: boolean;
  #remote: ValueRuntime | null = null;

  /**
   * `makeLocal` makes sessions on the calling thread (null where there are none: browsers);
   * `makeRemote` starts the worker, the first time a graph runs there.
   */
  constructor(
    readonly config: CacheConfig,
    private readonly makeLocal: MakeLocal | null,
    private readonly makeRemote: (() => ValueRuntime) | null = null,
    readonly limit = 64,
  ) {
    this.#inWorker = makeRemote !== null && config.worker === true;
  }

  /** The worker's runtime, or null while no graph has run there. */
  get remote(): ValueRuntime | null {
    return this.#remote;
  }

  /** The worker's runtime, started on first use. */
  runtime(): ValueRuntime {
    this.#remote ??= this.makeRemote!();
    return this.#remote;
  }

  /** Whether graphs run in the worker now (always with worker: true; after a slow run with 'auto'). */
  get inWorker(): boolean {
    return this.#inWorker;
  }

  get(sig: string, build: () => BuiltGraph): CachedGraph {
    let g = this.#graphs.get(sig);
    if (g) {
      this.#graphs.delete(sig);
      this.#graphs.set(sig, g);
      this.#ran(g);
      return g;
    }
    const b = build();
    this.last = b;
    g = { ...b, ran: 0 };
    this.builds++;
    this.#graphs.set(sig, g);
    if (this.#graphs.size > this.limit) {
      const [oldest, old] = this.#graphs.entries().next().value as [string, CachedGraph];
      this.#graphs.delete(oldest);
      this.#release(old);
    }
    this.#ran(g);
    return g;
  }

  /** `g` runs now: sessions idle for RETIRE_AFTER runs since are released (once per graph). */
  #ran(g: CachedGraph): void {
    g.ran = ++this.#runs;
    // the map is in order of use: the idle ones are first
    for (const other of this.#graphs.values()) {
      if (this.#runs - other.ran <= RETIRE_AFTER) break;
      this.#retire(other);
    }
  }

  /** Releases `g`'s sessions unless it has none or was released once already (it keeps it then). */
  #retire(g: CachedGraph): void {
    if (g.retired || (!g.local && g.sid === undefined)) return;
    g.retired = true;
    this.#release(g);
  }

  /** Live sessions: on this thread, and in the worker (as this cache has asked for them). */
  get sessions(): { local: number; worker: number } {
    let local = 0;
    let worker = 0;
    for (const g of this.#graphs.values()) {
      if (g.local) local++;
      if (g.sid !== undefined) worker++;
    }
    return { local, worker };
  }

  /** `g`'s session on this thread (made on first use). */
  local(g: CachedGraph): LocalSession {
    if (!this.makeLocal)
      throw new Error('onnx backend: this runtime has no calling-thread sessions');
    if (!g.local) {
      this.#making(g);
      g.local = this.makeLocal(g);
    }
    return g.local;
  }

  /** `g`'s session id in the worker (loaded on first use). */
  sid(g: CachedGraph): number {
    if (g.sid === undefined) {
      this.#making(g);
      g.sid = this.runtime().load(g.model, g.inputs, g.outputs, g);
    }
    return g.sid;
  }

  /**
   * A session for `g` is about to be made: a new graph, or one whose session was released, means
   * the calls changed shape (the Trainer's next block size, a size it went back to, an epoch's
   * last block, a validation pass). The other graphs' sessions are released first rather than after
   * RETIRE_AFTER runs, so that the new session's arena never adds to theirs: the peak of a training
   * run is then one session's, not the sum of every block size tried. Small graphs released before
   * keep theirs; large ones never do (see LARGE_GRAPH_BYTES).
   */
  #making(g: CachedGraph): void {
    for (const other of this.#graphs.values()) {
      if (other === g) continue;
      if (other.inputBytes >= LARGE_GRAPH_BYTES) this.#release(other);
      else this.#retire(other);
    }
  }

  /** `g` is about to run: with worker 'auto', a large graph runs in the worker. */
  weigh(g: BuiltGraph): void {
    if (g.inputBytes >= LARGE_GRAPH_BYTES) this.#toWorker();
  }

  /** A run on this thread took `ms`: with worker 'auto', a slow one moves later runs to the worker. */
  observe(ms: number): void {
    if (ms >= AUTO_WORKER_MS) this.#toWorker();
  }

  /** With worker 'auto': graphs run in the worker from now on. */
  #toWorker(): void {
    if (!this.makeRemote || this.config.worker !== 'auto' || this.#inWorker) return;
    this.#inWorker = true;
    // their sessions here (and memory arenas) are not needed any more
    for (const g of this.#graphs.values()) {
      g.local?.dispose();
      g.local = undefined;
    }
  }

  dispose(): void {
    for (const g of this.#graphs.values()) this.#release(g);
    this.#graphs.clear();
    this.#remote?.dispose();
  }

  /** Releases `g`'s sessions; its model stays, so a later run makes them again. */
  #release(g: CachedGraph): void {
    g.local?.dispose();
    g.local = undefined;
    if (g.sid !== undefined) this.#remote!.drop(g.sid);
    g.sid = undefined;
  }
}
