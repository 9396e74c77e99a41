import { describe, expect, it } from 'vitest';
import type { SweepPoint } from './grid.js';
import type { PointResult } from './result.js';
import { type Cell, cpuTable, type Outcomes, perCall, sweepNotes, sweepTable } from './table.js';

const p1 = { hidden: 128, seq: 64, batch: 1 };
const p2 = { hidden: 128, seq: 64, batch: 32 };

function result(
  runner: string,
  p: SweepPoint,
  charsPerSec: number,
  rssMiB: number,
  cpuShare = 1,
): Cell {
  const r: PointResult = {
    runner,
    threads: 1,
    ...p,
    warmup: 2,
    steps: 5,
    seconds: 1,
    charsPerSec,
    warmupSeconds: 0.1,
    maxRssKiB: rssMiB * 1024,
    loss: 2,
    cpuShare,
  };
  return { result: r };
}

function outcomes(cells: Record<string, Record<string, Cell>>): Outcomes {
  return new Map(Object.entries(cells).map(([r, c]) => [r, new Map(Object.entries(c))]));
}

describe('sweepTable', () => {
  it("puts each runner's chars/s and RSS side by side, with the lead backend over PyTorch", () => {
    const o = outcomes({
      onnx: {
        'h128 s64 b1': result('onnx', p1, 12000, 150),
        'h128 s64 b32': { skipped: 'too slow' },
      },
      js: { 'h128 s64 b1': result('js', p1, 2000, 80), 'h128 s64 b32': { error: 'exit 1' } },
      pytorch: {
        'h128 s64 b1': result('pytorch', p1, 24000, 300),
        'h128 s64 b32': result('pytorch', p2, 60000, 350),
      },
    });
    const lines = sweepTable([p1, p2], ['onnx', 'js', 'pytorch'], o).split('\n');
    expect(lines[0]).toBe(
      '| point        | onnx chars/s | js chars/s | pytorch chars/s | onnx/pytorch | onnx RSS MiB | js RSS MiB | pytorch RSS MiB | RSS onnx/pytorch |',
    );
    expect(lines[1]).toMatch(/^\| -+ \| -+: \|/);
    expect(lines[2].split('|').map((c) => c.trim())).toEqual([
      '',
      'h128 s64 b1',
      '12,000',
      '2,000',
      '24,000',
      '0.50',
      '150',
      '80',
      '300',
      '0.50',
      '',
    ]);
    expect(lines[3].split('|').map((c) => c.trim())).toEqual([
      '',
      'h128 s64 b32',
      'skipped',
      'failed',
      '60,000',
      '',
      'skipped',
      'failed',
      '350',
      '',
      '',
    ]);
    expect(sweepNotes([p1, p2], ['onnx', 'js', 'pytorch'], o)).toEqual([
      'h128 s64 b32 onnx: skipped: too slow',
      'h128 s64 b32 js: failed: exit 1',
    ]);
  });

  it('has no ratio columns without PyTorch', () => {
    const o = outcomes({ onnx: { 'h128 s64 b1': result('onnx', p1, 12000, 150) } });
    expect(sweepTable([p1], ['onnx'], o).split('\n')[0]).toBe(
      '| point       | onnx chars/s | onnx RSS MiB |',
    );
  });
});

describe('cpuTable', () => {
  it('divides each speed by its cpuShare and compares those', () => {
    const o = outcomes({
      onnx: {
        'h128 s64 b1': result('onnx', p1, 5000, 150, 0.25),
        'h128 s64 b32': { skipped: 'x' },
      },
      pytorch: { 'h128 s64 b1': result('pytorch', p1, 10000, 300, 0.5) },
    });
    const lines = cpuTable([p1, p2], ['onnx', 'pytorch'], o).split('\n');
    expect(lines[0]).toBe(
      '| point        | onnx chars/CPU-s | pytorch chars/CPU-s | onnx/pytorch | onnx cpuShare | pytorch cpuShare |',
    );
    expect(lines[2].split('|').map((c) => c.trim())).toEqual([
      '',
      'h128 s64 b1',
      '20,000',
      '20,000',
      '1.00',
      '0.25',
      '0.50',
      '',
    ]);
    expect(lines[3].split('|').map((c) => c.trim())).toEqual([
      '',
      'h128 s64 b32',
      'skipped',
      '',
      '',
      'skipped',
      '',
      '',
    ]);
  });

  it("ends with each rnnkit runner's steps per call, where its results name them", () => {
    const at = (window: string | undefined, stepsPerCall?: number): Cell => {
      const c = result('onnx', p1, 5000, 150, 0.5) as { result: PointResult };
      return { result: { ...c.result, window, stepsPerCall } };
    };
    const o = outcomes({
      onnx: { 'h128 s64 b1': at('settled at 64 per call'), 'h128 s64 b32': { skipped: 'x' } },
      pytorch: { 'h128 s64 b1': result('pytorch', p1, 10000, 300, 0.5) },
    });
    const lines = cpuTable([p1, p2], ['onnx', 'pytorch'], o).split('\n');
    expect(lines[0]).toMatch(/\| onnx cpuShare \| pytorch cpuShare \| onnx per call \|$/);
    expect(lines[2]).toMatch(/\| +0\.50 \| +0\.50 \| +64 \|$/);
    expect(lines[3]).toMatch(/\| +\|$/);
    const r = (at('sizes still changing: 2–4 per call, no new graph') as { result: PointResult })
      .result;
    expect(perCall(r)).toBe('2–4*');
    expect(perCall((at(undefined, 8) as { result: PointResult }).result)).toBe('8');
    expect(perCall((result('pytorch', p1, 1, 1) as { result: PointResult }).result)).toBe('');
  });
});
