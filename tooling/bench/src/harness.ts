import { cpus, loadavg, totalmem } from 'node:os';
import { memory } from '@rnnkit/core';

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

export function clock(): Clock {
  const u = process.cpuUsage();
  return { wall: performance.now(), cpu: (u.user + u.system) / 1000 };
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

export function machine(): Record<string, string | number> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAvg1: +loadavg()[0].toFixed(2),
  };
}

/**
 * A warning when other processes competed for the CPU: rows whose timed region got less than 90%
 * of a CPU (`cpuShare` note), or a 1-minute load average above cores − 0.5 (the benchmark itself
 * accounts for about 1). Their wall-clock figures read low and vary between runs.
 */
export function contention(rows: BenchRow[], load: number): string | undefined {
  const cores = cpus().length;
  const starved = rows.filter(
    (r) => typeof r.notes?.cpuShare === 'number' && r.notes.cpuShare < 0.9,
  );
  const names = [...new Set(starved.map((r) => r.workload))];
  const why = [
    names.length ? `${names.join(', ')} got less than 90% of a CPU (cpuShare < 0.9)` : '',
    load > cores - 0.5 ? `the load average reached ${load.toFixed(2)} on ${cores} cores` : '',
  ].filter(Boolean);
  return why.length
    ? `warning: ${why.join('; ')} — other processes were using the CPU, so these figures read low; rerun on an idle machine for numbers to compare`
    : undefined;
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
