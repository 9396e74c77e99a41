import { pointName, type SweepPoint } from './grid.js';

/**
 * The growth rule for a sweep: a training step's cost must grow with its work, per
 * character linear in sequence length (so the cost of a character does not grow with the
 * sequence) and no worse than quadratic in hidden size, with no cliff (a point that costs far more
 * than its neighbours predict). Costs are per character (1 / chars/s); measured on a shared
 * machine they are noisy, so each rule allows `slack` times its bound.
 */
export interface GrowthOptions {
  /** Allowed factor over a rule's bound (noise). Default 1.5. */
  slack?: number;
  /** A point is a cliff when it costs more than this times what its two lower neighbours predict. Default 2. */
  cliff?: number;
}

export interface Measured {
  point: SweepPoint;
  charsPerSec: number;
}

type Axis = 'hidden' | 'seq' | 'batch';

export interface GrowthFinding {
  rule: 'seq-linear' | 'hidden-quadratic' | 'cliff';
  axis: Axis;
  /** The point the cost grew from (for a cliff: the middle of the three) and the one it grew to. */
  from: SweepPoint;
  to: SweepPoint;
  /** Per-character cost at `to` over the cost at `from`. */
  ratio: number;
  /** The largest ratio the rule allows, slack included. */
  allowed: number;
}

export interface GrowthReport {
  findings: GrowthFinding[];
  /** Pairs of neighbouring points compared under the seq and hidden rules, and triples for cliffs. */
  pairs: number;
  triples: number;
}

const AXES: Axis[] = ['hidden', 'seq', 'batch'];

/**
 * Lines of measured points along each axis: points that agree on the other two sizes, in
 * increasing order of the axis's size. Points without a positive finite figure are left out.
 */
function linesAlong(axis: Axis, measured: readonly Measured[]): Measured[][] {
  const lines = new Map<string, Measured[]>();
  for (const m of measured) {
    if (!(Number.isFinite(m.charsPerSec) && m.charsPerSec > 0)) continue;
    const key = AXES.filter((a) => a !== axis)
      .map((a) => m.point[a])
      .join('/');
    const line = lines.get(key) ?? [];
    line.push(m);
    lines.set(key, line);
  }
  return [...lines.values()].map((l) => l.sort((a, b) => a.point[axis] - b.point[axis]));
}

const cost = (m: Measured) => 1 / m.charsPerSec;

export function checkGrowth(
  measured: readonly Measured[],
  options: GrowthOptions = {},
): GrowthReport {
  const slack = options.slack ?? 1.5;
  const cliff = options.cliff ?? 2;
  const findings: GrowthFinding[] = [];
  let pairs = 0;
  let triples = 0;
  for (const axis of AXES) {
    for (const line of linesAlong(axis, measured)) {
      for (let i = 1; i < line.length; i++) {
        const [a, b] = [line[i - 1], line[i]];
        const ratio = cost(b) / cost(a);
        // Per character, seq is free (linear per step) and hidden at most quadratic.
        const bound =
          axis === 'seq' ? 1 : axis === 'hidden' ? (b.point.hidden / a.point.hidden) ** 2 : 0;
        if (bound > 0) {
          pairs++;
          const allowed = bound * slack;
          if (ratio > allowed) {
            const rule = axis === 'seq' ? 'seq-linear' : 'hidden-quadratic';
            findings.push({ rule, axis, from: a.point, to: b.point, ratio, allowed });
          }
        }
        if (i < 2) continue;
        // The trend of the two lower neighbours, continued in log-log scale; a falling cost (fixed
        // per-step costs spread over more characters) is not continued, only held flat.
        triples++;
        const z = line[i - 2];
        const trend = cost(a) / cost(z);
        const span =
          Math.log(b.point[axis] / a.point[axis]) / Math.log(a.point[axis] / z.point[axis]);
        const predicted = Math.max(1, trend) ** span;
        if (ratio > cliff * predicted) {
          findings.push({
            rule: 'cliff',
            axis,
            from: a.point,
            to: b.point,
            ratio,
            allowed: cliff * predicted,
          });
        }
      }
    }
  }
  return { findings, pairs, triples };
}

const RULE_TEXT = {
  'seq-linear':
    'per-char cost grew with sequence length (the rule: linear per step, flat per char)',
  'hidden-quadratic': 'per-char cost grew faster than hidden size squared',
  cliff: 'cliff: more than its lower neighbours predict',
};

/** One line per finding, or one line saying all passed. */
export function formatGrowth(runner: string, report: GrowthReport): string[] {
  const checked = `${report.pairs} pairs, ${report.triples} triples`;
  if (!report.findings.length) return [`${runner}: growth rule holds (${checked} checked)`];
  return [
    `${runner}: ${report.findings.length} finding(s) over ${checked}:`,
    ...report.findings.map(
      (f) =>
        `  ${pointName(f.from)} → ${pointName(f.to)} (${f.axis}): per-char cost ×${f.ratio.toFixed(2)}, allowed ×${f.allowed.toFixed(2)}: ${RULE_TEXT[f.rule]}`,
    ),
  ];
}
