import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import {
  CHECKSUM_KEY,
  type CheckpointData,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint-data.js';
import { CorruptFileError, decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { sineFitOptions } from './test-utils/fit-options.js';
import { tempDir } from './test-utils/helpers.js';
import { Trainer } from './trainer.js';

const ckpt: CheckpointData = {
  model: { w: { shape: [2, 50], data: Float32Array.from({ length: 100 }, (_, i) => i / 7) } },
  progress: { step: 4, epoch: 0, batchInEpoch: 4 },
};

/** Where the tensor data of a safetensors file starts: after the 8-byte length and the header. */
const dataStart = (b: Uint8Array) =>
  8 + Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

describe('checkpoint checksum', () => {
  it('stores the CRC-32 of the tensor data as a string in __metadata__', () => {
    const { metadata } = decodeSafetensors(encodeCheckpoint(ckpt));
    expect(metadata[CHECKSUM_KEY]).toMatch(/^[0-9a-f]{8}$/);
  });

  it('4 overwritten bytes in the tensor data: loading fails with CorruptFileError naming the file and the way out', () => {
    const path = join(dir, 'last.safetensors');
    saveCheckpoint(path, ckpt);
    const bytes = readFileSync(path);
    const at = dataStart(bytes) + 200;
    bytes.writeUInt32LE(0xdeadbeef, at);
    writeFileSync(path, bytes);
    let err: unknown;
    try {
      loadCheckpoint(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CorruptFileError);
    expect((err as Error).message).toContain(`checkpoint ${path} is damaged`);
    expect((err as Error).message).toMatch(/CRC-32/);
    expect((err as Error).message).toMatch(/best\.safetensors instead of last\.safetensors/);
  });

  it('one flipped bit in the tensor data is caught too', () => {
    const bytes = encodeCheckpoint(ckpt);
    bytes[bytes.length - 1] ^= 1;
    expect(() => decodeCheckpoint(bytes)).toThrow(CorruptFileError);
  });

  it('a checkpoint the Trainer wrote, with one flipped bit, does not load', async () => {
    const options = sineFitOptions();
    await new Trainer().fit({ ...options, checkpoint: { dir } });
    const path = join(dir, 'last.safetensors');
    const bytes = readFileSync(path);
    bytes[dataStart(bytes) + 3] ^= 0x40;
    writeFileSync(path, bytes);
    expect(() => loadCheckpoint(path)).toThrow(/is damaged/);
  });

  it('a checkpoint written before checksums (none in its metadata) loads as before', () => {
    // What encodeCheckpoint wrote before this change: the same file without the checksum key.
    const { tensors, metadata } = decodeSafetensors(encodeCheckpoint(ckpt));
    const old = encodeSafetensors(tensors, { rnnkit: metadata.rnnkit });
    expect(decodeSafetensors(old).metadata).toEqual({ rnnkit: metadata.rnnkit });
    const path = join(dir, 'old.safetensors');
    writeFileSync(path, old);
    const back = loadCheckpoint(path);
    expect(back.progress).toEqual(ckpt.progress);
    expect(back.model.w.data).toEqual(ckpt.model.w.data);
  });
});
