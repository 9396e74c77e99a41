import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchRow } from './harness.js';

// The machine a Node bench run measured on and the warning when other processes competed for
// it: Node only (node:os), apart from harness.ts so that the workloads also run in a browser.

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
