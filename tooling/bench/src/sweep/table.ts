import { pointName, type SweepPoint } from './grid.js';
import type { PointResult } from './result.js';

/** A runner's outcome at one point: measured, failed, or skipped before it ran. */
export type Cell = { result: PointResult } | { error: string } | { skipped: string };

/** Outcomes by runner, then by point name. */
export type Outcomes = Map<string, Map<string, Cell>>;

const MIB = 1024;

function thousands(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function mark(cell: Cell | undefined): string {
  if (!cell) return '';
  if ('skipped' in cell) return 'skipped';
  if ('error' in cell) return 'failed';
  return '';
}

/**
 * The sweep's table in Markdown: per point, each runner's chars/s, then the lead runner's (the
 * first rnnkit backend's) over PyTorch's, each runner's peak RSS in MiB and the lead's RSS over
 * PyTorch's. Without a PyTorch column the ratio columns are left out.
 */
export function sweepTable(
  points: readonly SweepPoint[],
  runners: readonly string[],
  outcomes: Outcomes,
): string {
  const lead = runners.find((r) => r !== 'pytorch');
  const peer = runners.includes('pytorch') && lead ? 'pytorch' : undefined;
  const head = [
    'point',
    ...runners.map((r) => `${r} chars/s`),
    ...(peer ? [`${lead}/${peer}`] : []),
    ...runners.map((r) => `${r} RSS MiB`),
    ...(peer ? [`RSS ${lead}/${peer}`] : []),
  ];
  const rows = points.map((p) => {
    const name = pointName(p);
    const at = (r: string) => outcomes.get(r)?.get(name);
    const result = (r: string) => {
      const c = at(r);
      return c && 'result' in c ? c.result : undefined;
    };
    const ratio = (f: (x: PointResult) => number) => {
      const a = lead ? result(lead) : undefined;
      const b = peer ? result(peer) : undefined;
      return a && b ? (f(a) / f(b)).toFixed(2) : '';
    };
    return [
      name,
      ...runners.map((r) => {
        const x = result(r);
        return x ? thousands(x.charsPerSec) : mark(at(r));
      }),
      ...(peer ? [ratio((x) => x.charsPerSec)] : []),
      ...runners.map((r) => {
        const x = result(r);
        return x ? (x.maxRssKiB / MIB).toFixed(0) : mark(at(r));
      }),
      ...(peer ? [ratio((x) => x.maxRssKiB)] : []),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** The reason for every skipped or failed cell, one line each. */
export function sweepNotes(
  points: readonly SweepPoint[],
  runners: readonly string[],
  outcomes: Outcomes,
): string[] {
  const notes: string[] = [];
  for (const p of points) {
    for (const r of runners) {
      const c = outcomes.get(r)?.get(pointName(p));
      if (c && 'skipped' in c) notes.push(`${pointName(p)} ${r}: skipped: ${c.skipped}`);
      if (c && 'error' in c) notes.push(`${pointName(p)} ${r}: failed: ${c.error}`);
    }
  }
  return notes;
}
