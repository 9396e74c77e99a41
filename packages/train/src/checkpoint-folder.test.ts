import { existsSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { CheckpointData } from './checkpoint-data.js';
import { FileSystemError, fsCause } from './fs-errors.js';
import { sineFitOptions } from './test-utils/fit-options.js';
import { tempDir } from './test-utils/helpers.js';
import { mountTmpfs } from './test-utils/mount.js';
import { Trainer } from './trainer.js';

/** Fits into `dir`; resolves with the error and the steps that ran before it. */
async function fitInto(dir: string, config?: unknown): Promise<{ error?: Error; steps: number[] }> {
  const steps: number[] = [];
  try {
    await new Trainer().fit({
      ...sineFitOptions(),
      maxSteps: 3,
      checkpoint: { dir, every: 1, config },
      callbacks: [{ onStep: (s) => steps.push(s.step) }],
    });
    return { steps };
  } catch (e) {
    return { error: e as Error, steps };
  }
}

const big = (step: number, n: number): CheckpointData => ({
  model: { w: { shape: [n], data: new Float32Array(n).fill(step) } },
  progress: { step, epoch: 0, batchInEpoch: step },
});

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('an unusable checkpoint folder fails before step 1, naming the path and the cause', () => {
  it('a file where a folder of the path should be (ENOTDIR)', async () => {
    writeFileSync(join(dir, 'file'), 'x');
    const target = join(dir, 'file', 'run');
    const { error, steps } = await fitInto(target);
    expect(steps).toEqual([]);
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error?.message).toBe(
      `cannot create the run folder ${target}: a part of the path is a file, not a folder (ENOTDIR)`,
    );
  });

  it('a file of the folder’s name (EEXIST)', async () => {
    const target = join(dir, 'run');
    writeFileSync(target, 'x');
    const { error, steps } = await fitInto(target);
    expect(steps).toEqual([]);
    expect(error?.message).toBe(
      `cannot create the run folder ${target}: a file of that name is in the way (EEXIST)`,
    );
  });

  it('every cause has words (EACCES cannot be caused as root; its wording is checked here)', () => {
    const cause = (code: string) => fsCause(Object.assign(new Error(code), { code }));
    expect(cause('ENOSPC')).toBe('the disk is full (ENOSPC)');
    expect(cause('EROFS')).toBe('read-only file system (EROFS)');
    expect(cause('EACCES')).toBe('permission denied (EACCES)');
    expect(cause('ENOTDIR')).toBe('a part of the path is a file, not a folder (ENOTDIR)');
    expect(cause('EEXIST')).toBe('a file of that name is in the way (EEXIST)');
    expect(cause('EWHATEVER')).toBe('EWHATEVER');
  });
});

// Real read-only and full file systems: tmpfs mounts (root with mount rights, as in CI).
const readOnly = mountTmpfs('ro,size=1m');
const small = mountTmpfs('size=64k');
afterAll(() => {
  readOnly?.unmount();
  small?.unmount();
});

describe.skipIf(!readOnly)('a read-only file system (a tmpfs mounted ro)', () => {
  it('a new folder on it: EROFS before step 1, not ENOENT', async () => {
    const target = join(readOnly!.dir, 'runs', 'a');
    const { error, steps } = await fitInto(target);
    expect(steps).toEqual([]);
    expect(error?.message).toBe(
      `cannot create the run folder ${target}: read-only file system (EROFS)`,
    );
  });

  it('an existing folder on it: EROFS before step 1', async () => {
    const { error, steps } = await fitInto(readOnly!.dir);
    expect(steps).toEqual([]);
    expect(error?.message).toMatch(
      /^cannot write the lock file .*: read-only file system \(EROFS\)$/,
    );
  });
});

describe.skipIf(!small)('a full disk (a 64 KiB tmpfs)', () => {
  let run: string;
  beforeAll(() => {
    run = join(small!.dir, 'run');
  });

  it('a save that does not fit: FileSystemError "the disk is full", the previous checkpoint intact, no temporary left', () => {
    const path = join(run, 'last.safetensors');
    saveCheckpoint(path, big(1, 1000));
    const before = readFileSync(path);
    let error: Error | undefined;
    try {
      saveCheckpoint(path, big(2, 40_000));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(FileSystemError);
    expect(error?.message).toBe(
      `cannot save checkpoint ${path} (the previous one there is unchanged): the disk is full (ENOSPC)`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(loadCheckpoint(path).progress.step).toBe(1);
    expect(readdirSync(run)).toEqual(['last.safetensors']);
  });

  it('fit stops at the save that fills the disk with that error', async () => {
    // Room for the lock file, not for a checkpoint of 20 KB.
    const free = ({ bavail, bsize }: { bavail: number; bsize: number }) => bavail * bsize;
    writeFileSync(join(small!.dir, 'filler'), new Uint8Array(free(statfsSync(small!.dir)) - 8192));
    const target = join(small!.dir, 'fit');
    const { error, steps } = await fitInto(target, { note: 'x'.repeat(20_000) });
    expect(error?.message).toMatch(/^cannot save checkpoint .*: the disk is full \(ENOSPC\)$/);
    expect(steps).toEqual([1]);
    expect(existsSync(join(target, '.rnnkit-lock'))).toBe(false);
  });
});
