import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { CheckpointData } from './checkpoint-data.js';
import { tempDir } from './test-utils/helpers.js';

/** How node:fs.writeSync behaves in these tests: normal, short writes, or a full disk mid-way. */
const mode = vi.hoisted(() => ({ value: 'normal' as 'normal' | 'short' | 'enospc', calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((fd: number, buf: Uint8Array, offset?: number, length?: number) => {
    const off = offset ?? 0;
    const len = length ?? buf.length - off;
    mode.calls++;
    if (mode.value === 'short') return fs.writeSync(fd, buf, off, Math.min(len, 97));
    if (mode.value === 'enospc' && mode.calls > 1) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    if (mode.value === 'enospc') return fs.writeSync(fd, buf, off, Math.min(len, 64));
    return fs.writeSync(fd, buf, off, len);
  }) as unknown as typeof fs.writeSync;
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const ckpt = (step: number): CheckpointData => ({
  model: { w: { shape: [300], data: Float32Array.from({ length: 300 }, (_, i) => i * step) } },
  progress: { step, epoch: 0, batchInEpoch: step },
  config: { note: 'x'.repeat(50) },
});

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  mode.value = 'normal';
  mode.calls = 0;
});
afterEach(() => cleanup());

describe('saveCheckpoint when the disk misbehaves', () => {
  it('short writes (writeSync writing fewer bytes than asked) still give a complete file', () => {
    const path = join(dir, 'last.safetensors');
    mode.value = 'short';
    saveCheckpoint(path, ckpt(3));
    expect(mode.calls).toBeGreaterThan(10);
    const back = loadCheckpoint(path);
    expect(back.progress.step).toBe(3);
    expect(back.model.w.data[299]).toBe(299 * 3);
  });

  it('a write that fails mid-way keeps the previous checkpoint and removes the partial temporary file', () => {
    const path = join(dir, 'last.safetensors');
    saveCheckpoint(path, ckpt(1));
    const before = readFileSync(path);
    mode.value = 'enospc';
    mode.calls = 0;
    expect(() => saveCheckpoint(path, ckpt(2))).toThrow(/ENOSPC/);
    expect(mode.calls).toBe(2); // one partial write went out before the failure
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['last.safetensors']);
    expect(loadCheckpoint(path).progress.step).toBe(1);
  });
});
