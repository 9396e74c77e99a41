import { pointName, type SweepPoint } from './grid.js';
import { checkGrowth, formatGrowth, type GrowthReport } from './growth.js';
import { type Cell, cpuTable, type Outcomes, sweepNotes, sweepTable } from './table.js';

/** The growth rule over each runner's figures: wall-clock chars/s, and per second of CPU time. */
export function growthReports(
  runners: readonly string[],
  outcomes: Outcomes,
): { runner: string; wall: GrowthReport; cpu: GrowthReport }[] {
  return runners.map((runner) => {
    const results = [...(outcomes.get(runner)?.values() ?? [])].flatMap((c) =>
      'result' in c ? [c.result] : [],
    );
    return {
      runner,
      wall: checkGrowth(results.map((r) => ({ point: r, charsPerSec: r.charsPerSec }))),
      cpu: checkGrowth(results.map((r) => ({ point: r, charsPerSec: r.charsPerSec / r.cpuShare }))),
    };
  });
}

/** The tables, the reasons for skipped and failed cells, and the growth rule's findings. */
export function sweepReport(
  points: readonly SweepPoint[],
  runners: readonly string[],
  outcomes: Outcomes,
): string {
  const notes = sweepNotes(points, runners, outcomes);
  const growth = growthReports(runners, outcomes);
  return [
    sweepTable(points, runners, outcomes),
    ...(notes.length ? ['', ...notes] : []),
    '',
    'the same per second of CPU time (chars/s ÷ cpuShare), for a machine shared with other work:',
    '',
    cpuTable(points, runners, outcomes),
    '',
    'growth rule (per-char cost flat in seq, at most quadratic in hidden, no cliff; ×1.5 slack for noise), on chars/s:',
    ...growth.flatMap((g) => formatGrowth(g.runner, g.wall)),
    'and on chars per CPU-second:',
    ...growth.flatMap((g) => formatGrowth(g.runner, g.cpu)),
  ].join('\n');
}

/** A sweep's JSON file (as sweep.js writes it) read back into points, runners and outcomes. */
export function readSweepJson(json: {
  runners: string[];
  points: (SweepPoint & Record<string, unknown>)[];
}): { points: SweepPoint[]; runners: string[]; outcomes: Outcomes } {
  const points = json.points.map(({ hidden, seq, batch }) => ({ hidden, seq, batch }));
  const outcomes: Outcomes = new Map(json.runners.map((r) => [r, new Map<string, Cell>()]));
  for (const p of json.points) {
    for (const r of json.runners) {
      const cell = p[r] as Cell | undefined;
      if (cell) outcomes.get(r)?.set(pointName(p), cell);
    }
  }
  return { points, runners: json.runners, outcomes };
}
