import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ok, shakespeare, TINY } from './test-utils/run-cli.js';

// Reads are asynchronous by contract: the app must train, validate (with samples), resume,
// sample and evaluate on a backend that cannot read synchronously. The CLI runs with
// 'js-async-reads' (the JS backend without readSync) registered by a preloaded module, and its
// results must be those of the JS backend, whose kernels it uses.
const preload = resolve(import.meta.dirname, 'test-utils/register-js-async-reads.mjs');
const env = { NODE_OPTIONS: `--import ${preload}` };

const work = mkdtempSync(join(tmpdir(), 'rnnkit-char-text-async-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = join(work, 'small.txt');
writeFileSync(small, readFileSync(shakespeare).subarray(0, 5000));
const dir = (name: string) => join(work, name);

/** step,epoch,loss of each logged step (the wall-clock column differs between runs). */
function losses(out: string): string[] {
  return readFileSync(join(out, 'train-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const [step, epoch, , loss] = l.split(',');
      return `${step},${epoch},${loss}`;
    });
}

describe('rnnkit-char-text on a backend without synchronous reads', () => {
  it('trains with validation samples and a final evaluation, resumes, samples and evaluates as on js', async () => {
    const args = (out: string) => [
      'train',
      '--text',
      small,
      ...TINY,
      '--sample-length',
      '30',
      '--out',
      out,
    ];
    const noSync = await ok(
      [...args(dir('async')), '--steps', '7', '--backend', 'js-async-reads'],
      { env },
    );
    expect(noSync).toContain('backend js-async-reads');
    expect(noSync).toMatch(/--- sample at step 5 \(temperature 0\.8\) ---\n[^\n]+/);
    expect(noSync).toMatch(/final validation +\d\.\d+ nats\/char/);
    const js = await ok([...args(dir('js')), '--steps', '7', '--backend', 'js']);
    expect(losses(dir('async'))).toEqual(losses(dir('js')));
    expect(losses(dir('async'))).toHaveLength(7);
    const finalLine = (s: string) => s.match(/final validation +\d\.\d+ nats\/char[^\n]*/)![0];
    expect(finalLine(noSync)).toBe(finalLine(js));

    // resume continues on the backend the run was made with
    expect(await ok(['resume', dir('async'), '--steps', '10'], { env })).toContain(
      `resuming ${dir('async')} at step 7`,
    );
    await ok(['resume', dir('js'), '--steps', '10']);
    expect(losses(dir('async'))).toEqual(losses(dir('js')));

    const sample = ['sample', '--length', '80', '--prime', 'First', '--seed', '4'];
    const text = await ok(
      [sample[0], dir('async'), ...sample.slice(1), '--backend', 'js-async-reads'],
      { env },
    );
    expect(text.startsWith('First')).toBe(true);
    expect(text).toBe(await ok([sample[0], dir('js'), ...sample.slice(1), '--backend', 'js']));

    const held = join(work, 'held-out.txt');
    writeFileSync(held, readFileSync(shakespeare).subarray(2000, 4000)); // characters the run knows
    const evalAsync = await ok(
      ['eval', dir('async'), '--text', held, '--backend', 'js-async-reads'],
      {
        env,
      },
    );
    expect(evalAsync).toMatch(/loss \d\.\d+ nats\/char/);
    const evalJs = await ok(['eval', dir('js'), '--text', held, '--backend', 'js']);
    // after the backend line, each names the run it evaluated, then the same figures
    const after = (out: string, run: string) =>
      out.split('\n').slice(1).join('\n').replace(run, '');
    expect(after(evalAsync, dir('async'))).toBe(after(evalJs, dir('js')));
  }, 120_000);
});
