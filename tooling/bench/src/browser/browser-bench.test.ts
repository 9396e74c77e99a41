import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserBench, openBrowserBench } from './driver.js';
import { ratioRows } from './ratios.js';

// The browser bench for real: the page built by Vite, served cross-origin isolated, in headless
// system Chromium. A --quick run on the CPU backends (the WebGL ones run on SwiftShader here and
// take minutes; `rnnkit-bench-browser --quick` runs them), then the fault paths: a workload that
// fails, and a worker that runs past its time and is stopped. No figure is asserted.

/** A made-up corpus long enough for char-lstm's quick run (132 batches of 32 × 64). */
function corpus(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ,.;:!?\nABCDEFG';
  let s = 12345;
  let text = '';
  for (let i = 0; i < length; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    text += alphabet[s % alphabet.length];
  }
  return text;
}

let bench: BrowserBench;
beforeAll(async () => {
  bench = await openBrowserBench();
}, 300_000);
afterAll(async () => {
  await bench?.close();
});

describe('browser bench in headless Chromium', () => {
  it('runs every workload on js, tfjs-wasm and the tfjs-layers wasm peer', async () => {
    const backends = ['js', 'tfjs-wasm', 'tfjs-layers-wasm'];
    const got = await bench.run({
      backends,
      quick: true,
      corpus: corpus(300_000),
      timeoutS: 240,
    });
    expect(got.failures).toEqual([]);
    expect(got.pageErrors).toEqual([]);
    expect(got.crossOriginIsolated).toBe(true);
    expect(got.backends.map((b) => b.name)).toEqual(backends);
    for (const workload of ['sine-rnn', 'char-lstm', 'generate'])
      for (const backend of backends) {
        const rows = got.rows.filter((r) => r.workload === workload && r.backend === backend);
        expect(rows.length, `${workload} on ${backend}`).toBeGreaterThan(0);
        for (const r of rows) expect(r.value).toBeGreaterThan(0);
      }
    // the same model, data and seed on two rnnkit backends: the same loss at the same step
    const loss = (backend: string) => {
      const notes = got.rows.find(
        (r) => r.workload === 'char-lstm' && r.backend === backend,
      )?.notes;
      const key = Object.keys(notes ?? {}).find((k) => k.startsWith('loss@'));
      return { key, value: key ? notes?.[key] : undefined };
    };
    expect(loss('js').key).toMatch(/^loss@\d+$/);
    expect(loss('tfjs-wasm').key).toBe(loss('js').key);
    expect(loss('tfjs-wasm').value).toBeCloseTo(loss('js').value as number, 3);
    // the browser has no process CPU clock: no cpuShare note
    expect(got.rows.some((r) => r.notes && 'cpuShare' in r.notes)).toBe(false);
    const peers = new Set(got.offered.filter((b) => b.peer).map((b) => b.name));
    expect(peers).toEqual(new Set(['tfjs-layers-wasm', 'tfjs-layers-webgl']));
    const ratios = ratioRows(got.rows, peers);
    expect(new Set(ratios.map((r) => `${r.workload}/${r.backend}`)).size).toBe(6);
  }, 300_000);

  it('reports a failing workload and runs the next one', async () => {
    const got = await bench.run({
      backends: ['js'],
      workloads: ['char-lstm', 'generate'],
      quick: true,
      // generate samples from a newline, so the text has one
      corpus: 'far too short for\n132 batches of 32 x 64 characters',
      timeoutS: 120,
    });
    expect(got.failures).toEqual([
      {
        backend: 'js',
        workload: 'char-lstm',
        error: expect.stringMatching(/^streamBatches: \d+ characters are too few for one batch/),
      },
    ]);
    expect(got.rows.filter((r) => r.workload === 'generate').length).toBe(2);
  }, 180_000);

  it('stops a worker that runs past its time and says so', async () => {
    const got = await bench.run({
      backends: ['js'],
      workloads: ['sine-rnn'],
      quick: true,
      corpus: '',
      timeoutS: 0.2,
    });
    expect(got.rows).toEqual([]);
    expect(got.failures).toEqual([
      {
        backend: 'js',
        workload: '*',
        error: 'stopped after 0.2 s (--timeout), before the worker finished',
      },
    ]);
  }, 120_000);
});
