import { memory } from '@rnnkit/core';
import type { TfModule } from './tfjs-layers-api.js';

export type { TfModule } from './tfjs-layers-api.js';

// Everything here runs in Node and in a browser (the browser bench's Web Worker): no node:
// modules. The machine description and the contention warning, which read node:os, are in
// machine.ts.

/** One measured row of a benchmark table. */
export interface BenchRow {
  workload: string;
  backend: string;
  /** What was measured, e.g. "train throughput" or "32x256x512 NN". */
  metric: string;
  /** Main figure and its unit, e.g. 3.1 GFLOP/s. */
  value: number;
  unit: string;
  /** Further figures and settings (final loss, ms per step, how the data was fed, ...). */
  notes?: Record<string, number | string>;
  /** Threads the backend used (filled in by the CLI). */
  threads?: number;
}

export interface BenchContext {
  backend: string;
  /** Fewer iterations / epochs / steps, for a smoke run in well under a minute. */
  quick: boolean;
  /** The Trainer's stepsPerCall for the training workloads (default: the Trainer sizes them). */
  stepsPerCall?: number;
  /**
   * The text of tiny Shakespeare for the char workloads, read when one needs it: from the file
   * in Node (corpus-file.ts), handed in by the driver in a browser.
   */
  corpus: () => string;
  /** TensorFlow.js for the tfjs-layers peers, its backend already made active by the runner. */
  tf?: TfModule;
}

export interface Workload {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

/** Runs fn repeatedly for at least minMs (after warm-up) and returns the median ms per call. */
export function timeIt(fn: () => void, { warmup = 3, minMs = 500, minIters = 5 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minIters || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Wall-clock and process CPU time, both in milliseconds. */
export interface Clock {
  wall: number;
  cpu: number;
}

/** Node's process (absent in a browser, where no CPU clock is readable). */
const nodeProcess = (globalThis as { process?: { cpuUsage?(): { user: number; system: number } } })
  .process;

/** The clocks now; `cpu` is NaN in a browser, which has no process CPU time. */
export function clock(): Clock {
  const u = nodeProcess?.cpuUsage?.();
  return { wall: performance.now(), cpu: u ? (u.user + u.system) / 1000 : Number.NaN };
}

/**
 * Process CPU time over wall-clock time between two clocks: about 1 (or a little above, with
 * V8's GC helper threads) for a single-threaded backend on an idle machine; well below 1 means
 * the process waited for a CPU other processes were using, and the wall-clock figure reads low.
 */
export function cpuShare(from: Clock, to: Clock): number {
  return +((to.cpu - from.cpu) / (to.wall - from.wall)).toFixed(2);
}

/** Live tensors now; a workload reports the difference after it ran (a leak shows as > 0). */
export function liveTensors(): number {
  return memory().numTensors;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v) || Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1e-3) return String(+v.toPrecision(4));
  return v.toExponential(3);
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['workload', 'backend', 'metric', 'value', 'unit', 'notes'];
  const body = rows.map((r) => [
    r.workload,
    r.threads === undefined ? r.backend : `${r.backend} (${r.threads}t)`,
    r.metric,
    formatValue(r.value),
    r.unit,
    Object.entries(r.notes ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'number' ? formatValue(v) : v}`)
      .join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
