import { pointName, type SweepPoint } from './grid.js';
import type { PointResult } from './result.js';

/** A runner's outcome at one point: measured, failed, or skipped before it ran. */
export type Cell =
  | { result: PointResult }
  | { error: string; timedOut?: true }
  | { skipped: string };

/** Outcomes by runner, then by point name. */
export type Outcomes = Map<string, Map<string, Cell>>;

const MIB = 1024;

function thousands(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '';
}

function mark(cell: Cell | undefined): string {
  if (!cell) return '';
  if ('skipped' in cell) return 'skipped';
  if ('error' in cell) return 'failed';
  return '';
}

/** The measured result of `runner` at `p`, if it was measured. */
function resultAt(outcomes: Outcomes, runner: string, p: SweepPoint): PointResult | undefined {
  const c = outcomes.get(runner)?.get(pointName(p));
  return c && 'result' in c ? c.result : undefined;
}

/** The first rnnkit backend and PyTorch, when both ran: the pair the ratio columns compare. */
function leadAndPeer(runners: readonly string[]): [string, string] | undefined {
  const lead = runners.find((r) => r !== 'pytorch');
  return lead && runners.includes('pytorch') ? [lead, 'pytorch'] : undefined;
}

/** A Markdown table, the first column left-aligned and the figures right-aligned. */
function markdown(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/**
 * Columns of one figure per runner, then the lead runner's figure over PyTorch's (when both ran);
 * an unmeasured cell says why (skipped, failed).
 */
function figureColumns(
  p: SweepPoint,
  runners: readonly string[],
  outcomes: Outcomes,
  figure: (r: PointResult) => number,
  format: (x: number) => string,
): string[] {
  const pair = leadAndPeer(runners);
  const cells = runners.map((r) => {
    const x = resultAt(outcomes, r, p);
    return x ? format(figure(x)) : mark(outcomes.get(r)?.get(pointName(p)));
  });
  if (!pair) return cells;
  const [a, b] = pair.map((r) => resultAt(outcomes, r, p));
  const ratio = a && b ? figure(a) / figure(b) : Number.NaN;
  return [...cells, Number.isFinite(ratio) ? ratio.toFixed(2) : ''];
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
  const pair = leadAndPeer(runners);
  const head = [
    'point',
    ...runners.map((r) => `${r} chars/s`),
    ...(pair ? [`${pair[0]}/${pair[1]}`] : []),
    ...runners.map((r) => `${r} RSS MiB`),
    ...(pair ? [`RSS ${pair[0]}/${pair[1]}`] : []),
  ];
  const rows = points.map((p) => [
    pointName(p),
    ...figureColumns(p, runners, outcomes, (x) => x.charsPerSec, thousands),
    ...figureColumns(
      p,
      runners,
      outcomes,
      (x) => x.maxRssKiB / MIB,
      (x) => x.toFixed(0),
    ),
  ]);
  return markdown(head, rows);
}

/**
 * The steps per call of a result's timed window: the size the Trainer settled at, the sizes it
 * held with a `*` when they had not settled, or the stepsPerCall the sweep named.
 */
export function perCall(r: PointResult): string {
  if (r.stepsPerCall !== undefined) return String(r.stepsPerCall);
  const sizes = /(\d+(?:–\d+)?) per call/.exec(r.window ?? '')?.[1];
  if (!sizes) return '';
  return r.window?.startsWith('settled') ? sizes : `${sizes}*`;
}

/**
 * The same speeds per second of the process's CPU time (chars/s over its cpuShare), with each
 * runner's cpuShare: on a machine shared with other work a single-threaded run gets only part of
 * a core, a different part for each run, and this takes out most of that difference. Then, for
 * each rnnkit runner whose results say so, the steps per call of its timed window (see perCall).
 */
export function cpuTable(
  points: readonly SweepPoint[],
  runners: readonly string[],
  outcomes: Outcomes,
): string {
  const pair = leadAndPeer(runners);
  const calls = runners.filter((r) =>
    points.some((p) => perCall(resultAt(outcomes, r, p) ?? ({} as PointResult)) !== ''),
  );
  const head = [
    'point',
    ...runners.map((r) => `${r} chars/CPU-s`),
    ...(pair ? [`${pair[0]}/${pair[1]}`] : []),
    ...runners.map((r) => `${r} cpuShare`),
    ...calls.map((r) => `${r} per call`),
  ];
  const rows = points.map((p) => [
    pointName(p),
    ...figureColumns(p, runners, outcomes, (x) => x.charsPerSec / x.cpuShare, thousands),
    ...figureColumns(
      p,
      runners,
      outcomes,
      (x) => x.cpuShare,
      (x) => x.toFixed(2),
    ).slice(0, runners.length),
    ...calls.map((r) => {
      const x = resultAt(outcomes, r, p);
      return x ? perCall(x) : '';
    }),
  ]);
  return markdown(head, rows);
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
