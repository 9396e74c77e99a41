import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseResult } from './result.js';

// A sweep point as the sweep runs it: the built child process on the onnx backend, a small point.

const CHILD = fileURLToPath(new URL('../../dist/sweep/point-child.js', import.meta.url));
const point = async (budget: string, ...extra: string[]) => {
  const args = ['--backend', 'onnx', '--hidden', '16', '--seq', '8', '--batch', '2'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CHILD, ...args, '--budget', budget, '--warmup', '2', '--min-steps', '2', ...extra],
    { timeout: 120_000 },
  );
  return parseResult(stdout);
};

describe('sweep point child', () => {
  it('lets the Trainer size the calls and times them once the size has settled', async () => {
    // the child gives the sizer 4 budgets after the warm-up to settle; its ramp builds a graph per
    // size, which on a machine as busy as a full test run took longer than 4 × 0.3 s
    const r = await point('2');
    const settled = /^settled at (\d+) per call$/.exec(r.window ?? '');
    expect(settled, `window: ${r.window}`).not.toBeNull();
    const size = Number(settled![1]);
    // a step of this point takes well under the Trainer's call budget: the sizer grew the calls
    expect(size).toBeGreaterThan(1);
    // the window is whole blocks of that size, after two of them (the first built its graph, the
    // second let the runtime settle) and after the two blocks of one step the sizer starts with
    expect(r.steps % size).toBe(0);
    expect(r.warmup).toBeGreaterThanOrEqual(2 + 2 * size);
    expect(r.stepsPerCall).toBeUndefined();
  }, 180_000);

  it('with --steps-per-call, times whole blocks of that size once two have ended after the warm-up', async () => {
    const r = await point('0.3', '--steps-per-call', '4');
    expect(r.stepsPerCall).toBe(4);
    expect(r.window).toBeUndefined();
    expect(r.warmup).toBe(8);
    expect(r.steps % 4).toBe(0);
  }, 180_000);
});
