import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../harness.js';
import { collect } from './collect.js';
import type { BenchEvent } from './protocol.js';

const row = (workload: string, backend: string, value: number): BenchRow => ({
  workload,
  backend,
  metric: 'm',
  value,
  unit: 'chars/s',
});

describe('collect', () => {
  it('orders rows by workload as asked, backends in the order they ran, and keeps failures', () => {
    const events: BenchEvent[] = [
      { type: 'start', backend: 'js', threads: 1, detail: 'plain JavaScript' },
      {
        type: 'rows',
        backend: 'js',
        workload: 'generate',
        seconds: 1,
        rows: [row('generate', 'js', 1)],
      },
      {
        type: 'rows',
        backend: 'js',
        workload: 'char-lstm',
        seconds: 1,
        rows: [row('char-lstm', 'js', 2)],
      },
      { type: 'done', backend: 'js' },
      { type: 'start', backend: 'tfjs-webgl', detail: 'WebGL' },
      {
        type: 'rows',
        backend: 'tfjs-webgl',
        workload: 'generate',
        seconds: 1,
        rows: [row('generate', 'tfjs-webgl', 3)],
      },
      { type: 'failure', backend: 'tfjs-webgl', workload: 'char-lstm', error: 'boom' },
      { type: 'done', backend: 'tfjs-webgl' },
      { type: 'failure', backend: 'onnx-wasm', workload: '*', error: 'no worker' },
    ];
    const got = collect(events, ['sine-rnn', 'char-lstm', 'generate']);
    expect(got.rows.map((r) => `${r.workload}/${r.backend}`)).toEqual([
      'char-lstm/js',
      'generate/js',
      'generate/tfjs-webgl',
    ]);
    expect(got.backends).toEqual([
      { name: 'js', threads: 1, detail: 'plain JavaScript' },
      { name: 'tfjs-webgl', threads: undefined, detail: 'WebGL' },
    ]);
    expect(got.failures).toEqual([
      { workload: 'char-lstm', backend: 'tfjs-webgl', error: 'boom' },
      { workload: '*', backend: 'onnx-wasm', error: 'no worker' },
    ]);
  });
});
