import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { CheckpointData } from './checkpoint-data.js';
import { acquireRunLock } from './run-lock.js';
import { removeStaleTemporaries, temporaryPath } from './stale-temporaries.js';
import { killHard, startChild, trainDist } from './test-utils/child.js';
import { tempDir } from './test-utils/helpers.js';

const ckpt = (step: number): CheckpointData => ({
  model: { w: { shape: [1000], data: Float32Array.from({ length: 1000 }, (_, i) => i + step) } },
  progress: { step, epoch: 0, batchInEpoch: step },
});

/** A process that starts saving `path`, announces it once the temporary file is written, and hangs there. */
const hangInSave = (path: string) => `
import { saveCheckpoint } from '${trainDist}';
const model = { w: { shape: [1000], data: new Float32Array(1000).fill(7) } };
saveCheckpoint(${JSON.stringify(path)}, { model, progress: { step: 99, epoch: 0, batchInEpoch: 0 } }, {
  beforeRename() {
    console.log('in-save');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  },
});
`;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('temporary files of interrupted saves', () => {
  it('a process killed inside a save leaves its temporary; the next save into the folder removes it', async () => {
    const path = join(dir, 'last.safetensors');
    saveCheckpoint(path, ckpt(1));
    const child = await startChild(hangInSave(path), 'in-save');
    const leftover = temporaryPath(path, child.pid);
    await killHard(child);
    expect(existsSync(leftover)).toBe(true);
    expect(loadCheckpoint(path).progress.step).toBe(1); // the kill did not touch the checkpoint
    saveCheckpoint(path, ckpt(2));
    expect(readdirSync(dir)).toEqual(['last.safetensors']);
    expect(loadCheckpoint(path).progress.step).toBe(2);
  });

  it('opening the run folder (taking its lock) removes them too', async () => {
    const path = join(dir, 'best.safetensors');
    const child = await startChild(hangInSave(path), 'in-save');
    await killHard(child);
    expect(readdirSync(dir)).toEqual([`.best.safetensors.tmp-${child.pid}`]);
    const lock = acquireRunLock(dir);
    expect(readdirSync(dir)).toEqual(['.rnnkit-lock']);
    lock.release();
  });

  it('keeps the temporary of a save in progress (a live process) and other files', async () => {
    const path = join(dir, 'last.safetensors');
    const child = await startChild(hangInSave(path), 'in-save');
    try {
      writeFileSync(join(dir, 'notes.tmp-1'), 'not ours');
      expect(removeStaleTemporaries(dir)).toEqual([]);
      expect(readFileSync(temporaryPath(path, child.pid)).length).toBeGreaterThan(4000);
    } finally {
      await killHard(child);
    }
    expect(removeStaleTemporaries(dir)).toEqual([`.last.safetensors.tmp-${child.pid}`]);
    expect(readdirSync(dir)).toEqual(['notes.tmp-1']);
  });
});
