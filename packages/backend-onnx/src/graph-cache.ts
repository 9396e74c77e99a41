import { Session, type SessionConfig } from './runtime.js';

/** What a trace hands over the first time a graph is seen. */
export interface BuiltGraph {
  model: Uint8Array;
  inputs: string[];
  outputs: string[];
}

/**
 * Sessions of compiled graphs by trace signature, least recently used dropped past `limit` (a
 * function traced with ever-changing shapes would otherwise keep every session alive).
 */
export class GraphCache {
  readonly #sessions = new Map<string, Session>();
  /** Graphs built (cache misses) so far; tests and benchmarks read it. */
  builds = 0;
  /** The graph built last (for inspection: tests check that time stays a loop). */
  last: BuiltGraph | undefined;

  constructor(
    readonly config: SessionConfig,
    readonly limit = 64,
  ) {}

  get(sig: string, build: () => BuiltGraph): Session {
    let s = this.#sessions.get(sig);
    if (s) {
      this.#sessions.delete(sig);
      this.#sessions.set(sig, s);
      return s;
    }
    const b = build();
    this.last = b;
    s = new Session(b.model, b.inputs, b.outputs, this.config);
    this.builds++;
    this.#sessions.set(sig, s);
    if (this.#sessions.size > this.limit) {
      const [oldest, old] = this.#sessions.entries().next().value as [string, Session];
      this.#sessions.delete(oldest);
      old.dispose();
    }
    return s;
  }

  dispose(): void {
    for (const s of this.#sessions.values()) s.dispose();
    this.#sessions.clear();
  }
}
