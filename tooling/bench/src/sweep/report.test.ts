import { describe, expect, it } from 'vitest';
import { gridPoints, gridSizes, pointName } from './grid.js';
import { growthReports, readSweepJson, sweepReport } from './report.js';
import type { PointResult } from './result.js';

const points = gridPoints(gridSizes({ hidden: ['128,256'], seq: ['64,256'], batch: ['1'] }));

/** Made-up results: onnx quadratic in hidden; js with per-char cost growing in seq. */
function result(runner: string, i: number): PointResult {
  const p = points[i];
  const cost = runner === 'js' ? 1e-9 * p.hidden ** 2 * p.seq : 1e-9 * p.hidden ** 2;
  return {
    runner,
    threads: 1,
    ...p,
    warmup: 2,
    steps: 3,
    seconds: 1,
    charsPerSec: (1 / cost) * 0.5,
    warmupSeconds: 0.1,
    maxRssKiB: 102400,
    loss: 3,
    cpuShare: 0.5,
  };
}

const json = {
  runners: ['onnx', 'js'],
  points: points.map((p, i) => ({
    ...p,
    onnx: { result: result('onnx', i) },
    js: i === 3 ? { skipped: 'too slow' } : { result: result('js', i) },
  })),
};

describe('readSweepJson', () => {
  it("reads a sweep's JSON back into its points and every runner's cells", () => {
    const { points: read, runners, outcomes } = readSweepJson(json);
    expect(read).toEqual(points);
    expect(runners).toEqual(['onnx', 'js']);
    expect(outcomes.get('js')?.get(pointName(points[3]))).toEqual({ skipped: 'too slow' });
    expect(outcomes.get('onnx')?.size).toBe(4);
  });
});

describe('sweepReport', () => {
  it('prints the tables, the skipped cells and the growth rule on both kinds of figure', () => {
    const { outcomes } = readSweepJson(json);
    const text = sweepReport(points, ['onnx', 'js'], outcomes);
    expect(text).toContain(
      '| point        | onnx chars/s | js chars/s | onnx RSS MiB | js RSS MiB |',
    );
    expect(text).toContain('h256 s256 b1 js: skipped: too slow');
    expect(text).toContain('| point        | onnx chars/CPU-s | js chars/CPU-s |');
    const growth = growthReports(['onnx', 'js'], outcomes);
    expect(growth.map((g) => [g.runner, g.wall.findings.length, g.cpu.findings.length])).toEqual([
      ['onnx', 0, 0],
      ['js', 1, 1],
    ]);
    expect(text).toMatch(/on chars\/s:\nonnx: growth rule holds .*\njs: 1 finding\(s\)/);
  });
});
