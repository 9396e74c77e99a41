import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sine } from './test-utils/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-sine-checks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A model and series small enough to train in a moment. */
const QUICK = ['--epochs', '1', '--hidden', '4', '--points', '400', '--window', '10', '--no-chart'];

describe('item 13: outputs and series options are checked before training', () => {
  it('a --plot in a missing folder fails at once, naming the folder, without training', async () => {
    const r = await sine(['--plot', '/missing/dir/x.png']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      'rnnkit-sine: cannot write --plot /missing/dir/x.png: the folder /missing/dir does not exist',
    );
    expect(r.stdout).toBe(''); // nothing trained
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const under = await sine(['--plot', join(file, 'x.svg')]);
    expect(under.stderr).toContain(`${file} is a file, not a folder`);
    expect(under.stdout).toBe('');
    const ext = await sine(['--plot', join(work, 'x.jpg')]);
    expect(ext.stderr).toContain('--plot must end in .png or .svg');
    expect(ext.stdout).toBe('');
  }, 60_000);

  it('--t-end, --points and --window are checked by their flag names', async () => {
    for (const t of ['-5', '0']) {
      const r = await sine(['--t-end', t, '--no-plot']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('--t-end must be a positive number');
      expect(r.stderr).not.toContain('linspace');
    }
    const w = await sine(['--points', '100', '--window', '90', '--no-plot']);
    expect(w.stderr).toContain(
      '--points 100 leaves 80 training values, too few for one window of --window 90',
    );
    expect(w.stdout).toBe('');
    const tiny = await sine(['--t-end', '0.001', '--no-plot']);
    expect(tiny.stderr).toContain('set --forecast-steps or a larger --t-end');
    for (const [flag, v] of [
      ['--noise', '-1'],
      ['--lr', '0'],
      ['--seed', '1.5'],
    ]) {
      const r = await sine([flag, v, '--no-plot']);
      expect(r.stderr, flag).toContain(`${flag} must be`);
    }
  }, 60_000);

  it('the plot title names the forecast length: one period by default, else the steps', async () => {
    const longer = join(work, 'longer.svg');
    let r = await sine([...QUICK, '--forecast-steps', '300', '--plot', longer]);
    expect(r.code, r.stderr).toBe(0);
    let svg = readFileSync(longer, 'utf8');
    expect(svg).toContain('over 300 steps (11.97 periods)'); // dt = 100/399
    expect(svg).not.toContain('over one period');
    const period = join(work, 'period.svg');
    r = await sine([...QUICK, '--plot', period]);
    expect(r.code, r.stderr).toBe(0);
    svg = readFileSync(period, 'utf8');
    expect(svg).toContain('over one period');
  }, 120_000);
});

describe('items 11, 12 and 14 for rnnkit-sine', () => {
  it('a bad option prints its error and one line pointing at --help', async () => {
    const r = await sine(['--epochs', 'many']);
    expect(r.stderr.trim().split('\n')).toEqual([
      "error: option '--epochs <n>' argument 'many' is invalid. --epochs must be a positive integer",
      '(--help lists the options)',
    ]);
  }, 60_000);

  it('under `pnpm sine` a relative --plot lands in the user’s folder', async () => {
    const user = mkdtempSync(join(work, 'user-'));
    const r = await sine([...QUICK, '--plot', 'mine.svg'], {
      cwd: work,
      env: { npm_package_name: 'rnnkit-monorepo', npm_lifecycle_event: 'sine', INIT_CWD: user },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(user, 'mine.svg'), 'utf8')).toContain('<svg');
  }, 120_000);

  it('--help names every backend, and the README documents every option of --help', async () => {
    const help = (await sine(['--help'])).stdout;
    expect(help.replace(/\s+/g, ' ')).toContain(
      'js, tfjs-cpu, tfjs-wasm, tfjs-webgl, onnx, onnx-cuda',
    );
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
    const missing = [...new Set(help.match(/--[a-z][a-z-]+/g))].filter(
      (f) => f !== '--help' && !readme.includes(`\`${f}`),
    );
    expect(missing).toEqual([]);
  }, 60_000);
});
