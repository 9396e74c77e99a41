import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sine } from './test-utils/run-cli.js';

// Reads are asynchronous by contract: the demo must train, validate, evaluate, forecast and plot
// on a backend that cannot read synchronously. The CLI runs with 'js-async-reads' (the JS
// backend without readSync) registered by a preloaded module; its results must be the JS
// backend's, whose kernels it uses.
const preload = resolve(import.meta.dirname, 'test-utils/register-js-async-reads.mjs');
const work = mkdtempSync(join(tmpdir(), 'rnnkit-sine-async-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The metric lines: everything but the timing line. */
const metrics = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => / MSE /.test(l))
    .join('\n');

describe('rnnkit-sine on a backend without synchronous reads', () => {
  it('trains, forecasts and plots as on js', async () => {
    const args = (plot: string) => [
      ...['--epochs', '2', '--hidden', '8', '--points', '300', '--window', '20'],
      ...['--no-chart', '--plot', join(work, plot)],
    ];
    const [noSync, js] = await Promise.all([
      sine([...args('async.svg'), '--backend', 'js-async-reads'], {
        env: { NODE_OPTIONS: `--import ${preload}` },
      }),
      sine([...args('js.svg'), '--backend', 'js']),
    ]);
    expect(noSync.code, noSync.stderr).toBe(0);
    expect(noSync.stdout).toContain('backend js-async-reads');
    expect(noSync.stdout).toMatch(/validation at step \d+/);
    expect(metrics(noSync.stdout)).toMatch(
      /final train MSE .*\n.*final validation MSE .*\n.*forecast MSE/,
    );
    expect(metrics(noSync.stdout)).toBe(metrics(js.stdout));
    expect(readFileSync(join(work, 'async.svg'), 'utf8')).toBe(
      readFileSync(join(work, 'js.svg'), 'utf8'),
    );
  }, 240_000);
});
