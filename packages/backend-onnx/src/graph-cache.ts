import type { RemoteRuntime } from './remote.js';
import { Session, type SessionConfig } from './runtime.js';

/** What a trace hands over the first time a graph is seen. */
export interface BuiltGraph {
  model: Uint8Array;
  inputs: string[];
  outputs: string[];
}

/** A compiled graph's session: on this thread (`local`), or session `sid` of the worker. */
export interface CachedGraph {
  readonly local?: Session;
  readonly remote?: RemoteRuntime;
  readonly sid: number;
}

/**
 * Sessions of compiled graphs by trace signature, least recently used dropped past `limit` (a
 * function traced with ever-changing shapes would otherwise keep every session alive). With a
 * `remote` runtime the sessions live in its worker thread.
 */
export class GraphCache {
  readonly #sessions = new Map<string, CachedGraph>();
  /** Graphs built (cache misses) so far; tests and benchmarks read it. */
  builds = 0;
  /** The graph built last (for inspection: tests check that time stays a loop). */
  last: BuiltGraph | undefined;

  constructor(
    readonly config: SessionConfig,
    readonly remote: RemoteRuntime | null = null,
    readonly limit = 64,
  ) {}

  get(sig: string, build: () => BuiltGraph): CachedGraph {
    let s = this.#sessions.get(sig);
    if (s) {
      this.#sessions.delete(sig);
      this.#sessions.set(sig, s);
      return s;
    }
    const b = build();
    this.last = b;
    s = this.remote
      ? { remote: this.remote, sid: this.remote.load(b.model, b.inputs, b.outputs) }
      : { local: new Session(b.model, b.inputs, b.outputs, this.config), sid: 0 };
    this.builds++;
    this.#sessions.set(sig, s);
    if (this.#sessions.size > this.limit) {
      const [oldest, old] = this.#sessions.entries().next().value as [string, CachedGraph];
      this.#sessions.delete(oldest);
      release(old);
    }
    return s;
  }

  dispose(): void {
    for (const s of this.#sessions.values()) release(s);
    this.#sessions.clear();
    this.remote?.dispose();
  }
}

function release(s: CachedGraph): void {
  if (s.local) s.local.dispose();
  else s.remote!.drop(s.sid);
}
