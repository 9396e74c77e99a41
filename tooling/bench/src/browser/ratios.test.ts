import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../harness.js';
import { formatTable } from '../harness.js';
import { ratioRows } from './ratios.js';

const r = (
  workload: string,
  backend: string,
  value: number,
  unit: string,
  metric = 'm',
  threads?: number,
): BenchRow => ({
  workload,
  backend,
  metric,
  value,
  unit,
  threads,
});
const PEERS = new Set(['tfjs-layers-wasm', 'tfjs-layers-webgl']);

describe('ratioRows', () => {
  it('divides each rnnkit rate by the fastest peer of its workload', () => {
    const rows = [
      r('char-lstm', 'onnx-wasm', 60_000, 'chars/s', 'training throughput', 2),
      r('char-lstm', 'tfjs-layers-wasm', 1_500, 'chars/s', 'training throughput', 1),
      r('char-lstm', 'tfjs-layers-webgl', 3_000, 'chars/s', 'training throughput'),
    ];
    const [ratio] = ratioRows(rows, PEERS);
    expect(ratio.value).toBe(20);
    expect(ratio.unit).toBe('×');
    expect(ratio.metric).toBe(
      'training throughput over the fastest TF.js layers peer, tfjs-layers-webgl',
    );
    expect(formatTable([ratio])).toContain('| char-lstm | onnx-wasm (2t) |');
  });

  it('inverts times, so that above 1 is faster for s/epoch too', () => {
    const rows = [
      r('sine-rnn', 'js', 0.4, 's/epoch'),
      r('sine-rnn', 'tfjs-layers-wasm', 1.2, 's/epoch'),
    ];
    expect(ratioRows(rows, PEERS)[0].value).toBeCloseTo(3);
  });

  it('compares with Node rows of the same metric only', () => {
    const rows = [
      r('generate', 'onnx-wasm', 9_000, 'chars/s', 'draws in the loop'),
      r('generate', 'onnx-wasm', 3_000, 'chars/s', 'per char'),
      r('generate', 'node onnx', 45_000, 'chars/s', 'draws in the loop', 1),
      r('generate', 'node onnx', 6_000, 'chars/s', 'per char', 1),
    ];
    const got = ratioRows(rows, PEERS);
    expect(got.map((x) => [x.metric, x.value])).toEqual([
      ['draws in the loop over node onnx (1t)', 0.2],
      ['per char over node onnx (1t)', 0.5],
    ]);
  });

  it('gives no ratio to peers, Node rows, rows without a match or failed values', () => {
    const rows = [
      r('sine-rnn', 'tfjs-layers-wasm', 1.2, 's/epoch'),
      r('sine-rnn', 'node onnx', 0.07, 's/epoch'),
      r('generate', 'js', 5_000, 'chars/s'),
      r('char-lstm', 'js', Number.NaN, 'chars/s'),
      r('char-lstm', 'tfjs-layers-wasm', 1_000, 'chars/s'),
    ];
    expect(ratioRows(rows, PEERS)).toEqual([]);
  });
});
