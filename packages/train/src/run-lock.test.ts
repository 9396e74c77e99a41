import '@rnnkit/backend-js';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { CheckpointData } from './checkpoint-data.js';
import { acquireRunLock, assertRunLockHeld, LOCK_FILE, RunLockedError } from './run-lock.js';
import { killHard, startChild, trainDist } from './test-utils/child.js';
import { sineFitOptions } from './test-utils/fit-options.js';
import { tempDir } from './test-utils/helpers.js';
import { Trainer } from './trainer.js';

/** A process that locks `dir`, says so, and then holds the lock (until killed or 60 s). */
const holdLock = (dir: string) => `
import { acquireRunLock } from '${trainDist}';
acquireRunLock(${JSON.stringify(dir)});
console.log('locked');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
`;

const ckpt = (step: number): CheckpointData => ({
  model: { w: { shape: [3], data: Float32Array.from([step, step, step]) } },
  progress: { step, epoch: 0, batchInEpoch: step },
});

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('the run lock', () => {
  it('a second process is refused at once, naming the holder; the first one’s files are untouched', async () => {
    saveCheckpoint(join(dir, 'last.safetensors'), ckpt(5));
    const before = readFileSync(join(dir, 'last.safetensors'));
    const child = await startChild(holdLock(dir), 'locked');
    try {
      const holder = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
      expect(holder).toMatchObject({ pid: child.pid, host: hostname() });
      expect(() => acquireRunLock(dir)).toThrow(RunLockedError);
      expect(() => acquireRunLock(dir)).toThrow(
        new RegExp(`in use: process ${child.pid} on this host \\(${hostname()}\\) holds it`),
      );
      // A Trainer aimed at the folder fails before its first step.
      const steps: number[] = [];
      const options = sineFitOptions();
      await expect(
        new Trainer().fit({
          ...options,
          checkpoint: { dir },
          callbacks: [{ onStep: (s) => steps.push(s.step) }],
        }),
      ).rejects.toThrow(RunLockedError);
      expect(steps).toEqual([]);
      expect(readFileSync(join(dir, 'last.safetensors')).equals(before)).toBe(true);
    } finally {
      await killHard(child);
    }
  });

  it('a lock whose process was killed is taken over with a notice', async () => {
    const child = await startChild(holdLock(dir), 'locked');
    await killHard(child);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const notices: string[] = [];
    const lock = acquireRunLock(dir, { onNotice: (l) => notices.push(l) });
    expect(notices).toEqual([
      expect.stringMatching(
        new RegExp(`took over the lock of .* from process ${child.pid}, which ended`),
      ),
    ]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('is released when the holding process exits without releasing it', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { acquireRunLock } from '${trainDist}';
         acquireRunLock(${JSON.stringify(dir)});
         console.log('locked');
         process.exit(3);`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout, r.stderr).toContain('locked');
    expect(r.status).toBe(3);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('in one process: a second lock is refused; a token passes a held lock to a Trainer', async () => {
    const lock = acquireRunLock(dir);
    expect(() => acquireRunLock(dir)).toThrow(/this process \(\d+\) already trains into it/);
    expect(() => assertRunLockHeld(dir, 'another token')).toThrow(RunLockedError);
    const options = sineFitOptions();
    const r = await new Trainer().fit({
      ...options,
      maxSteps: 2,
      checkpoint: { dir, lock: lock.token },
    });
    expect(r.steps).toBe(2);
    expect(loadCheckpoint(join(dir, 'last.safetensors')).progress.step).toBe(2);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true); // still the caller's to release
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('folders the lock created are removed on release if nothing was written to them', () => {
    acquireRunLock(join(dir, 'a', 'b', 'c')).release();
    expect(readdirSync(dir)).toEqual([]);
    const lock = acquireRunLock(join(dir, 'a', 'b'));
    writeFileSync(join(dir, 'a', 'b', 'log.csv'), 'x');
    lock.release();
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['log.csv']);
  });

  it('fit takes and releases the lock itself, also when it throws', async () => {
    const options = sineFitOptions();
    await new Trainer().fit({ ...options, maxSteps: 1, checkpoint: { dir } });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await expect(
      new Trainer().fit({
        ...options,
        maxSteps: 1,
        checkpoint: { dir },
        loss: () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
