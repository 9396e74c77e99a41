import type { BenchRow } from '../harness.js';
import type { BenchEvent } from './protocol.js';

// The events of a browser run gathered into what the Node bench reports: the rows (by workload
// in the asked order, backends in the order they ran), the failures and each backend's threads.

export interface Failure {
  workload: string;
  backend: string;
  error: string;
}

export interface Collected {
  rows: BenchRow[];
  failures: Failure[];
  backends: { name: string; threads?: number; detail: string }[];
}

export function collect(
  events: readonly BenchEvent[],
  workloadOrder: readonly string[],
): Collected {
  const rows: BenchRow[] = [];
  const failures: Failure[] = [];
  const backends: Collected['backends'] = [];
  for (const e of events) {
    if (e.type === 'start')
      backends.push({ name: e.backend, threads: e.threads, detail: e.detail });
    else if (e.type === 'rows') rows.push(...e.rows);
    else if (e.type === 'failure')
      failures.push({ workload: e.workload, backend: e.backend, error: e.error });
  }
  const rank = (w: string) => {
    const i = workloadOrder.indexOf(w);
    return i < 0 ? workloadOrder.length : i;
  };
  // stable: within a workload the backends keep the order they ran in
  rows.sort((a, b) => rank(a.workload) - rank(b.workload));
  return { rows, failures, backends };
}
