import type { BenchRow } from '../harness.js';

// Ratios between rows of one run, as rows of their own (printed by the Node bench's table):
// every rnnkit row over the fastest TensorFlow.js layers peer of its workload, and over the
// same workload and metric on a Node backend (`node <name>` rows) when the run measured one.
// A ratio above 1 means the rnnkit row is faster, for rates (chars/s) and times (s/epoch) alike.

/** Units where a smaller value is faster (times). */
function lowerIsBetter(unit: string): boolean {
  return unit.startsWith('s/') || unit.startsWith('ms');
}

/** How many times faster `row` is than `base` (same unit). */
export function speedup(row: BenchRow, base: BenchRow): number {
  return lowerIsBetter(row.unit) ? base.value / row.value : row.value / base.value;
}

const label = (r: BenchRow) =>
  r.threads === undefined ? r.backend : `${r.backend} (${r.threads}t)`;

/** The fastest of some rows (same unit). */
function fastest(rows: BenchRow[]): BenchRow | undefined {
  return rows.reduce<BenchRow | undefined>(
    (best, r) => (best === undefined || speedup(r, best) > 1 ? r : best),
    undefined,
  );
}

/**
 * `peers` names the tfjs-layers backends; rows whose backend starts with `node ` are the Node
 * references. Rows with no peer or Node row to compare with get no ratio.
 */
export function ratioRows(rows: readonly BenchRow[], peers: ReadonlySet<string>): BenchRow[] {
  const isPeer = (r: BenchRow) => peers.has(r.backend);
  const isNode = (r: BenchRow) => r.backend.startsWith('node ');
  const out: BenchRow[] = [];
  for (const r of rows) {
    if (isPeer(r) || isNode(r) || !Number.isFinite(r.value) || r.value <= 0) continue;
    const same = (o: BenchRow) => o.workload === r.workload && o.unit === r.unit && o.value > 0;
    const peer = fastest(rows.filter((o) => isPeer(o) && same(o)));
    if (peer)
      out.push({
        workload: r.workload,
        backend: r.backend,
        threads: r.threads,
        metric: `${r.metric} over the fastest TF.js layers peer, ${label(peer)}`,
        value: speedup(r, peer),
        unit: '×',
      });
    for (const node of rows.filter((o) => isNode(o) && same(o) && o.metric === r.metric))
      out.push({
        workload: r.workload,
        backend: r.backend,
        threads: r.threads,
        metric: `${r.metric} over ${label(node)}`,
        value: speedup(r, node),
        unit: '×',
      });
  }
  return out;
}
