import { cpus, totalmem } from 'node:os';

/** One measured row of a benchmark table. */
export interface BenchRow {
  workload: string;
  backend: string;
  /** What was measured, e.g. "32x256x512 NN". */
  case: string;
  /** Main figure and its unit, e.g. 3.1 GFLOP/s. */
  value: number;
  unit: string;
  /** Further figures (final loss, ms per iteration, ...). */
  extra?: Record<string, number | string>;
}

export interface BenchContext {
  backend: string;
  /** Scale iterations down for quick runs (1 = full). */
  quick: boolean;
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
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export function machine(): Record<string, string | number> {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function formatTable(rows: BenchRow[]): string {
  const head = ['workload', 'backend', 'case', 'value', 'unit', 'extra'];
  const body = rows.map((r) => [
    r.workload,
    r.backend,
    r.case,
    r.value >= 100 ? r.value.toFixed(0) : r.value.toPrecision(4),
    r.unit,
    Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
      .join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
