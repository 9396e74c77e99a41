import { describe, expect, it } from 'vitest';
import { gridPoints, gridSizes, pointName, type SweepPoint } from './grid.js';
import { checkGrowth, formatGrowth, type Measured } from './growth.js';

const grid = gridPoints(gridSizes({}));

/** Made-up figures: chars/s from a per-character cost model. */
function measure(costPerChar: (p: SweepPoint) => number, points = grid): Measured[] {
  return points.map((point) => ({ point, charsPerSec: 1 / costPerChar(point) }));
}

/** A fixed cost per step spread over its characters, plus work quadratic in hidden. */
const healthy = (p: SweepPoint) => 1e-3 / (p.seq * p.batch) + 1e-9 * p.hidden ** 2;

describe('checkGrowth', () => {
  it('passes costs flat in seq, quadratic in hidden and falling with batch', () => {
    const report = checkGrowth(measure(healthy));
    expect(report.findings).toEqual([]);
    // seq: 4 hidden × 3 batch lines of 2 pairs; hidden: 3 × 3 lines of 3 pairs
    expect(report.pairs).toBe(24 + 27);
    expect(formatGrowth('onnx', report)).toEqual([
      `onnx: growth rule holds (51 pairs, ${report.triples} triples checked)`,
    ]);
  });

  it('flags a per-character cost that grows with the sequence', () => {
    // per step quadratic in seq, so per char linear: ×4 from each seq to the next
    const report = checkGrowth(measure((p) => 1e-12 * p.hidden ** 2 * p.seq));
    const seq = report.findings.filter((f) => f.rule === 'seq-linear');
    expect(seq).toHaveLength(24);
    expect(seq[0].ratio).toBeCloseTo(4);
    expect(seq[0].allowed).toBeCloseTo(1.5);
  });

  it('flags a cost cubic in hidden and lets quadratic pass', () => {
    const cubic = checkGrowth(measure((p) => 1e-12 * p.hidden ** 3));
    const hidden = cubic.findings.filter((f) => f.rule === 'hidden-quadratic');
    expect(hidden).toHaveLength(27);
    expect(hidden[0].ratio).toBeCloseTo(8);
    expect(hidden[0].allowed).toBeCloseTo(6);
    expect(checkGrowth(measure((p) => 1e-9 * p.hidden ** 2)).findings).toEqual([]);
  });

  it('flags a cliff: a point that costs over twice what its lower neighbours predict', () => {
    const cliff = (p: SweepPoint) =>
      healthy(p) * (p.hidden === 512 && p.seq === 256 && p.batch === 128 ? 3 : 1);
    const report = checkGrowth(measure(cliff));
    const found = report.findings.filter((f) => f.rule === 'cliff');
    // seen along hidden (×12 where ×4 was the trend) and along batch (×3 where it was flat)
    expect(found.map((f) => `${f.axis} ${pointName(f.from)} → ${pointName(f.to)}`)).toEqual([
      'hidden h256 s256 b128 → h512 s256 b128',
      'batch h512 s256 b32 → h512 s256 b128',
    ]);
    // the jump is also the seq rule's (×3 per char from s64 to s256)
    expect(
      report.findings.filter((f) => f.rule === 'seq-linear').map((f) => pointName(f.to)),
    ).toEqual(['h512 s256 b128']);
  });

  it('does not read a cost that stops falling as a cliff', () => {
    // b1 → b32 falls 20×, b32 → b128 flat: no trend to continue downwards
    const report = checkGrowth(measure((p) => (p.batch === 1 ? 20 : 1) * 1e-9 * p.hidden ** 2));
    expect(report.findings).toEqual([]);
  });

  it('leaves out points without a figure and compares their neighbours across the gap', () => {
    const points = grid.filter(
      (p) => !(p.hidden < 1024 && p.hidden > 128 && p.seq === 64 && p.batch === 1),
    );
    const measured = measure((p) => 1e-12 * p.hidden ** 3, points);
    measured.push({ point: { hidden: 512, seq: 64, batch: 1 }, charsPerSec: Number.NaN });
    const report = checkGrowth(measured);
    const gap = report.findings.filter(
      (f) => f.rule === 'hidden-quadratic' && f.from.seq === 64 && f.from.batch === 1,
    );
    // h256 left out, h512 without a figure: 128 → 1024 directly, ×512 against 8²·1.5
    expect(gap.map((f) => [f.from.hidden, f.to.hidden, Math.round(f.ratio)])).toEqual([
      [128, 1024, 512],
    ]);
  });

  it('honours the slack and cliff factors given', () => {
    const measured = measure((p) => healthy(p) * (p.seq === 1024 ? 1.3 : 1));
    expect(checkGrowth(measured).findings).toEqual([]);
    expect(checkGrowth(measured, { slack: 1.1 }).findings.length).toBeGreaterThan(0);
    expect(
      checkGrowth(measured, { slack: 1.1, cliff: 100 }).findings.every(
        (f) => f.rule === 'seq-linear',
      ),
    ).toBe(true);
  });

  it('prints one line per finding under a count', () => {
    const report = checkGrowth(measure((p) => 1e-12 * p.hidden ** 2 * p.seq));
    const lines = formatGrowth('js', report);
    expect(lines[0]).toBe(`js: 24 finding(s) over 51 pairs, ${report.triples} triples:`);
    expect(lines[1]).toMatch(
      /^ {2}h128 s64 b1 → h128 s256 b1 \(seq\): per-char cost ×4\.00, allowed ×1\.50: /,
    );
  });
});
