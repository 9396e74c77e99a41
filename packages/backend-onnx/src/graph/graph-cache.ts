import type { HostValue, ValueRuntime } from '../runtime/protocol.js';
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

/** What a trace hands over the first time a graph is seen. */
export interface BuiltGraph {
  model: Uint8Array;
  inputs: string[];
  outputs: string[];
  /** It has Scan loops (see sessionOptions in runtime.ts). */
  loops: boolean;
}

/** A compiled graph: its model, and its session on this thread and/or in the worker. */
export interface CachedGraph extends BuiltGraph {
  local?: LocalSession;
  /** Its session id in the worker, once loaded there. */
  sid?: number;
}

/**
 * With worker 'auto', the first graph run that takes this long (ms) moves all later runs to the
 * worker: a shorter run blocks the event loop for less than half a progress bar's redraw
 * interval (100 ms), and the hand-over to the worker (a wake-up each way) slows small graphs,
 * runs of several fused steps included (figures in tooling/bench/README.md). It was 10 ms before
 * fused steps made such runs common.
 */
export const AUTO_WORKER_MS = 50;

/**
 * Sessions of compiled graphs by trace signature, least recently used dropped past `limit` (a
 * function traced with ever-changing shapes would otherwise keep every session alive), and the
 * choice of thread they run on.
 */
export class GraphCache {
  readonly #graphs = new Map<string, CachedGraph>();
  /** Graphs built (cache misses) so far; tests and benchmarks read it. */
  builds = 0;
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
      return g;
    }
    const b = build();
    this.last = b;
    g = { ...b };
    this.builds++;
    this.#graphs.set(sig, g);
    if (this.#graphs.size > this.limit) {
      const [oldest, old] = this.#graphs.entries().next().value as [string, CachedGraph];
      this.#graphs.delete(oldest);
      this.#release(old);
    }
    return g;
  }

  /** `g`'s session on this thread (made on first use). */
  local(g: CachedGraph): LocalSession {
    if (!this.makeLocal)
      throw new Error('onnx backend: this runtime has no calling-thread sessions');
    g.local ??= this.makeLocal(g);
    return g.local;
  }

  /** `g`'s session id in the worker (loaded on first use). */
  sid(g: CachedGraph): number {
    g.sid ??= this.runtime().load(g.model, g.inputs, g.outputs, g.loops);
    return g.sid;
  }

  /** A run on this thread took `ms`: with worker 'auto', a slow one moves later runs to the worker. */
  observe(ms: number): void {
    if (this.makeRemote && this.config.worker === 'auto' && ms >= AUTO_WORKER_MS) {
      this.#inWorker = true;
    }
  }

  dispose(): void {
    for (const g of this.#graphs.values()) this.#release(g);
    this.#graphs.clear();
    this.#remote?.dispose();
  }

  #release(g: CachedGraph): void {
    g.local?.dispose();
    if (g.sid !== undefined) this.#remote!.drop(g.sid);
  }
}
