import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { loadCheckpoint } from '@rnnkit/train';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, ct, ok, shakespeare, TINY as TINY_MODEL } from './test-utils/run-cli.js';

/**
 * The run folder as `train` and `resume` treat it: --force starts from an empty folder, a resume
 * with nothing to train changes nothing, damaged checkpoints are refused, leftovers of killed
 * saves are removed, and one process at a time trains into a folder. Runs the built CLI.
 */

const trainDist = resolve(import.meta.dirname, '../node_modules/@rnnkit/train/dist/index.js');

const work = mkdtempSync(join(tmpdir(), 'rnnkit-run-folder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = join(work, 'small.txt');
writeFileSync(small, readFileSync(shakespeare).subarray(0, 5000));
const dir = (name: string) => join(work, name);

const TINY = ['--text', small, ...TINY_MODEL];

/** Every file of a folder with its bytes. */
function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(folder)
      .sort()
      .map((f) => [f, readFileSync(join(folder, f)).toString('base64')]),
  );
}

/** Starts the CLI and resolves once its output matches `ready` (the run holds its folder by then). */
function startCli(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, CI: 'true' } });
  let out = '';
  return new Promise((ok, fail) => {
    const read = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) ok({ child, out: () => out });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (c) => fail(new Error(`the CLI ended (${c}) before ${ready}: ${out}`)));
  });
}

const ended = (child: ChildProcess) =>
  new Promise<number | null>((ok) =>
    child.exitCode !== null ? ok(child.exitCode) : child.once('exit', (c) => ok(c)),
  );

/** step column of train-log.csv. */
const loggedSteps = (folder: string) =>
  readFileSync(join(folder, 'train-log.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.split(',')[0]));

const dataStart = (b: Buffer) => 8 + Number(b.readBigUInt64LE(0));

describe('train --force', () => {
  it('removes the earlier run’s files before the new run writes anything', async () => {
    const out = dir('force');
    const withPlot = TINY.filter((a) => a !== '--no-plot');
    await ok(['train', ...withPlot, '--steps', '10', '--out', out]);
    expect(readdirSync(out).sort()).toEqual([
      'best.safetensors',
      'last.safetensors',
      'train-log.csv',
      'validation-curve.png',
      'validation-log.csv',
    ]);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    // A new run with another batch layout that stops before its first validation: no best, no plot.
    const stdout = await ok([
      'train',
      ...TINY,
      '--batch',
      '2',
      '--steps',
      '3',
      '--out',
      out,
      '--force',
    ]);
    expect(readdirSync(out).sort()).toEqual([
      'last.safetensors',
      'notes.txt',
      'train-log.csv',
      'validation-log.csv',
    ]);
    expect(stdout).toContain(
      '--force: removed best.safetensors, last.safetensors, train-log.csv, validation-curve.png, validation-log.csv of the earlier run',
    );
    expect(loggedSteps(out)).toEqual([1, 2, 3]);
    const evaluated = await ok(['eval', out, '--text', small]);
    expect(evaluated).toContain(`eval ${join(out, 'last.safetensors')}`);
    expect(evaluated).toMatch(/\(2 streams × 16\)/);
  }, 60_000);
});

describe('resume with nothing to train', () => {
  it('--steps at or below the run’s step: says so, exits 0 and changes no file', async () => {
    const out = dir('at-step');
    await ok(['train', ...TINY, '--steps', '6', '--out', out]);
    const before = snapshot(out);
    for (const steps of ['3', '6']) {
      const stdout = await ok(['resume', out, '--steps', steps, '--no-plot']);
      expect(stdout).toContain(
        `${out} is already at step 6 (the limit is step ${steps}); nothing changed`,
      );
      expect(stdout).not.toContain('training until');
      expect(stdout).not.toMatch(/stopped .* at step/);
      expect(snapshot(out)).toEqual(before);
    }
    // The saved limit counts the same way: the run already stopped at its step 6.
    expect(await ok(['resume', out, '--no-plot'])).toContain('is already at step 6');
    expect(snapshot(out)).toEqual(before);
  }, 60_000);
});

describe('a damaged checkpoint', () => {
  it('resume and sample refuse it, naming the file and the way out', async () => {
    const out = dir('damaged');
    await ok(['train', ...TINY, '--steps', '6', '--out', out]);
    const last = join(out, 'last.safetensors');
    const bytes = readFileSync(last);
    bytes.writeUInt32LE(0x01020304, dataStart(bytes) + 400);
    writeFileSync(last, bytes);
    const before = snapshot(out);
    const r = await ct(['resume', out, '--no-plot']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`checkpoint ${last} is damaged`);
    expect(r.stderr).toContain('best.safetensors instead of last.safetensors');
    expect(snapshot(out)).toEqual(before);
    expect((await ct(['sample', out, '--checkpoint', 'last'])).stderr).toContain('is damaged');
    // The run's other checkpoint is intact.
    await ok(['sample', out, '--checkpoint', 'best', '--length', '5']);
  }, 60_000);
});

describe('temporary files of a save killed mid-way', () => {
  /** A process that starts saving `path` and is killed (SIGKILL) while its temporary file exists. */
  async function killInsideSave(path: string): Promise<string> {
    const script = `
      import { saveCheckpoint } from ${JSON.stringify(trainDist)};
      const model = { w: { shape: [500], data: new Float32Array(500) } };
      saveCheckpoint(${JSON.stringify(path)}, { model, progress: { step: 1, epoch: 0, batchInEpoch: 1 } }, {
        beforeRename() { console.log('in-save'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); },
      });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script]);
    await new Promise<void>((ok) =>
      child.stdout.on('data', (d) => String(d).includes('in-save') && ok()),
    );
    child.kill('SIGKILL');
    await ended(child);
    const leftover = join(dirname(path), `.${basename(path)}.tmp-${child.pid}`);
    expect(existsSync(leftover)).toBe(true);
    return leftover;
  }

  it('resume and train --force leave none behind', async () => {
    const out = dir('leftovers');
    await ok(['train', ...TINY, '--steps', '4', '--out', out]);
    await killInsideSave(join(out, 'last.safetensors'));
    await killInsideSave(join(out, 'best.safetensors'));
    await ok(['resume', out, '--steps', '6', '--no-plot']);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    await killInsideSave(join(out, 'last.safetensors'));
    await ok(['train', ...TINY, '--steps', '2', '--out', out, '--force']);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);
});

describe('one process per run folder', () => {
  it('a second train or resume is refused at once, naming the first; the first’s files are untouched', async () => {
    const out = dir('shared');
    const first = await startCli(
      ['train', ...TINY, '--steps', '100000', '--checkpoint-every', '5', '--out', out],
      /^step 2\b/m,
    );
    const pid = first.child.pid;
    const second = await ct([
      'train',
      ...TINY,
      '--hidden',
      '8',
      '--steps',
      '3',
      '--out',
      out,
      '--force',
    ]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `${out} is in use: process ${pid} on this host (${hostname()}) holds it`,
    );
    expect(second.stderr).toContain('To train here, wait for that run to end or stop it');
    const resumed = await ct(['resume', out, '--steps', '3']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain(`process ${pid} on this host (${hostname()}) holds it`);
    first.child.kill('SIGINT'); // Ctrl-C: the first run saves and releases the folder
    expect(await ended(first.child)).toBe(130);
    const at = loadCheckpoint(join(out, 'last.safetensors'));
    expect((at.config as { model: { hiddenSize: number } }).model.hiddenSize).toBe(16);
    expect(loggedSteps(out)).toEqual(Array.from({ length: at.progress.step }, (_, i) => i + 1));
    expect(existsSync(join(out, '.rnnkit-lock'))).toBe(false);
  }, 60_000);

  it('a lock left by a killed run is taken over with a notice', async () => {
    const out = dir('killed');
    const first = await startCli(
      ['train', ...TINY, '--steps', '100000', '--checkpoint-every', '5', '--out', out],
      /^step 6\b/m,
    );
    first.child.kill('SIGKILL');
    await ended(first.child);
    expect(existsSync(join(out, '.rnnkit-lock'))).toBe(true);
    const step = loadCheckpoint(join(out, 'last.safetensors')).progress.step;
    const stdout = await ok(['resume', out, '--steps', String(step + 2), '--no-plot']);
    expect(stdout).toContain(
      `took over the lock of ${out} from process ${first.child.pid}, which ended without releasing it`,
    );
    expect(existsSync(join(out, '.rnnkit-lock'))).toBe(false);
  }, 60_000);
});
