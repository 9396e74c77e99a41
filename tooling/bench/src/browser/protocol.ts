import type { BenchRow } from '../harness.js';

// The messages between the browser bench's driver (Node), its page and the page's Web Worker.
// The driver checks what comes back from the page with parseEvent, so that a page built from
// other sources fails with a message naming the field rather than printing a wrong table.

/** The workloads the browser bench runs, in order (their tfjs-layers peers run on the peers). */
export const BROWSER_WORKLOADS = ['sine-rnn', 'char-lstm', 'generate'] as const;

/** One backend's run, as the page's main thread hands it to a fresh worker. */
export interface BackendRequest {
  backend: string;
  workloads: string[];
  quick: boolean;
  /** The Trainer's stepsPerCall (left out: the Trainer sizes its calls). */
  stepsPerCall?: number;
  /** The text of tiny Shakespeare (or the smoke test's stand-in). */
  corpus: string;
  /** Seconds the whole backend may take before the page stops its worker. */
  timeoutS: number;
}

/** A backend the page offers: an rnnkit backend, or a TensorFlow.js layers peer. */
export interface OfferedBackend {
  name: string;
  peer: boolean;
  description: string;
}

/** What the worker (or the page, for a worker that died) reports while a backend runs. */
export type BenchEvent =
  | { type: 'start'; backend: string; threads?: number; detail: string }
  | { type: 'rows'; backend: string; workload: string; seconds: number; rows: BenchRow[] }
  | { type: 'failure'; backend: string; workload: string; error: string }
  | { type: 'done'; backend: string };

function fail(what: string, got: unknown): never {
  throw new Error(
    `browser bench: the page sent a malformed event (${what}; got ${JSON.stringify(got)?.slice(0, 200)}); rebuild the page from this package's sources`,
  );
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseRow(x: unknown): BenchRow {
  if (!isRecord(x)) fail('a row is not an object', x);
  for (const k of ['workload', 'backend', 'metric', 'unit'] as const)
    if (typeof x[k] !== 'string') fail(`row.${k} is not a string`, x);
  if (typeof x.value !== 'number') fail('row.value is not a number', x);
  if (x.notes !== undefined) {
    if (!isRecord(x.notes)) fail('row.notes is not an object', x);
    for (const [k, v] of Object.entries(x.notes))
      if (typeof v !== 'number' && typeof v !== 'string')
        fail(`row.notes.${k} is not a number or string`, x);
  }
  if (x.threads !== undefined && typeof x.threads !== 'number')
    fail('row.threads is not a number', x);
  return x as unknown as BenchRow;
}

/** Checks one event from the page; throws naming the first field that is wrong. */
export function parseEvent(x: unknown): BenchEvent {
  if (!isRecord(x)) fail('not an object', x);
  if (typeof x.backend !== 'string') fail('backend is not a string', x);
  switch (x.type) {
    case 'start':
      if (typeof x.detail !== 'string') fail('start.detail is not a string', x);
      if (x.threads !== undefined && typeof x.threads !== 'number')
        fail('start.threads is not a number', x);
      return x as unknown as BenchEvent;
    case 'rows':
      if (typeof x.workload !== 'string') fail('rows.workload is not a string', x);
      if (typeof x.seconds !== 'number') fail('rows.seconds is not a number', x);
      if (!Array.isArray(x.rows)) fail('rows.rows is not an array', x);
      return { ...(x as unknown as BenchEvent), rows: x.rows.map(parseRow) } as BenchEvent;
    case 'failure':
      if (typeof x.workload !== 'string' || typeof x.error !== 'string')
        fail('failure needs workload and error strings', x);
      return x as unknown as BenchEvent;
    case 'done':
      return x as unknown as BenchEvent;
    default:
      fail(`unknown type ${JSON.stringify(x.type)}`, x);
  }
}
