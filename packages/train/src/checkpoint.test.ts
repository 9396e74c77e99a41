import '@rnnkit/backend-js';
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceRegressor } from '@rnnkit/cells';
import { defaultRng, manualSeed, Rng, RnnkitError, tensor, valueAndGrad } from '@rnnkit/core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import {
  type CheckpointData,
  decodeCheckpoint,
  encodeCheckpoint,
  hostTensors,
  modelTensors,
  restoreModel,
} from './checkpoint-data.js';
import { mseLoss } from './losses.js';
import { Adam } from './optim/adam.js';
import { CorruptFileError, decodeSafetensors, encodeSafetensors } from './safetensors.js';
import { tempDir } from './test-utils/helpers.js';
import { regressor, weights } from './test-utils/sine.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** A fixed batch for a few optimizer steps (so the checkpoint holds non-trivial Adam state). */
const xs = () =>
  tensor(
    Float32Array.from({ length: 4 * 5 }, (_, i) => Math.sin(i / 3)),
    [4, 5, 1],
  );
const ys = () => tensor(Float32Array.from([0.1, -0.2, 0.3, 0.4]), [4, 1]);

async function trainSteps(model: SequenceRegressor, opt: Adam, n: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < n; i++) {
    const { value, grads } = valueAndGrad(
      () => mseLoss(model.forward(xs()), ys()),
      model.parameters(),
    );
    losses.push((await value.data())[0]);
    opt.step(grads);
  }
  return losses;
}

/** A checkpoint of a real LSTM regressor after 3 Adam steps, with every field filled in. */
async function makeCheckpoint(seed = 1): Promise<{
  model: SequenceRegressor;
  opt: Adam;
  data: CheckpointData;
}> {
  const model = regressor(seed, { cell: 'lstm', hiddenSize: 6, numLayers: 1, dropout: 0 });
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  await trainSteps(model, opt, 3);
  const extraRng = new Rng(99);
  extraRng.random();
  const data: CheckpointData = {
    model: await modelTensors(model),
    optimizer: await opt.stateDict(),
    rng: { default: defaultRng.getState(), shuffle: extraRng.getState() },
    progress: { step: 3, epoch: 1, batchInEpoch: 2 },
    carry: await hostTensors({ h: tensor([0.5, -0.25], [1, 1, 2]), c: undefined }),
    config: { cell: 'lstm', hiddenSize: 6, layers: [1, 2], nested: { name: 'ünïcode', ok: true } },
    extra: { vocab: 'abc' },
    metrics: { bestValLoss: 0.125, sinceBest: 2 },
  };
  return { model, opt, data };
}

function bitsOf(d: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(d).buffer));
}

describe('checkpoint round trip', () => {
  it('keeps weights, optimizer state, RNG states, progress, carry, config, extra and metrics', async () => {
    const { data } = await makeCheckpoint();
    const path = join(dir, 'run', 'last.safetensors'); // the folder is created
    saveCheckpoint(path, data);
    const back = loadCheckpoint(path);

    expect(Object.keys(back.model)).toEqual(Object.keys(data.model));
    expect(Object.keys(back.model)).toContain('rnn.weightIhL0');
    for (const [k, t] of Object.entries(data.model)) {
      expect(back.model[k].shape, k).toEqual([...t.shape]);
      expect(bitsOf(back.model[k].data), k).toEqual(bitsOf(t.data));
    }
    const o = data.optimizer!;
    expect(back.optimizer).toMatchObject({ type: 'Adam', stepCount: 3, lr: 0.01, hyper: o.hyper });
    expect(Object.keys(back.optimizer!.tensors).sort()).toEqual(Object.keys(o.tensors).sort());
    for (const [k, t] of Object.entries(o.tensors))
      expect(bitsOf(back.optimizer!.tensors[k].data), k).toEqual(bitsOf(t.data));
    expect(back.rng).toEqual(data.rng);
    expect(back.progress).toEqual({ step: 3, epoch: 1, batchInEpoch: 2 });
    expect(back.carry).toEqual({ h: { shape: [1, 1, 2], data: Float32Array.from([0.5, -0.25]) } });
    expect(back.config).toEqual(data.config);
    expect(back.extra).toEqual({ vocab: 'abc' });
    expect(back.metrics).toEqual({ bestValLoss: 0.125, sinceBest: 2 });
  });

  it('restoring into a fresh model and optimizer continues training exactly', async () => {
    const { model, opt, data } = await makeCheckpoint(1);
    const path = join(dir, 'ckpt.safetensors');
    saveCheckpoint(path, data);
    const expected = await trainSteps(model, opt, 3);

    const fresh = regressor(2, { cell: 'lstm', hiddenSize: 6, numLayers: 1, dropout: 0 });
    expect(await weights(fresh)).not.toEqual(await weights(model));
    const freshOpt = new Adam(fresh.parameters(), { lr: 0.01 });
    const back = loadCheckpoint(path);
    restoreModel(fresh, back);
    freshOpt.loadStateDict(back.optimizer!);
    expect(freshOpt.stepCount).toBe(3);
    expect(await trainSteps(fresh, freshOpt, 3)).toEqual(expected);
    expect(await weights(fresh)).toEqual(await weights(model));
  });

  it('restores RNG states exactly', async () => {
    const { data } = await makeCheckpoint();
    const back = decodeCheckpoint(encodeCheckpoint(data));
    const next = defaultRng.random();
    manualSeed(12345);
    defaultRng.setState(back.rng!.default);
    expect(defaultRng.random()).toBe(next);
  });

  it('is a plain safetensors file: prefixed tensor names and the rest as JSON in __metadata__', async () => {
    const { data } = await makeCheckpoint();
    const { tensors, metadata } = decodeSafetensors(encodeCheckpoint(data));
    expect(Object.keys(tensors).sort()).toEqual(
      [
        ...Object.keys(data.model).map((k) => `model.${k}`),
        ...Object.keys(data.optimizer!.tensors).map((k) => `optim.${k}`),
        'carry.h',
      ].sort(),
    );
    expect(Object.keys(metadata)).toEqual(['rnnkit', 'rnnkit.crc32']);
    expect(metadata['rnnkit.crc32']).toMatch(/^[0-9a-f]{8}$/);
    const meta = JSON.parse(metadata.rnnkit);
    expect(meta).toMatchObject({
      format: 'rnnkit-checkpoint',
      version: 1,
      progress: data.progress,
      config: data.config,
      rng: data.rng,
      optimizer: { type: 'Adam', stepCount: 3 },
    });
    expect(meta.optimizer.tensors).toBeUndefined();
  });

  it('a minimal checkpoint (weights and progress only) round-trips', async () => {
    const data: CheckpointData = {
      model: { w: { shape: [2], data: Float32Array.from([1, 2]) } },
      progress: { step: 0, epoch: 0, batchInEpoch: 0 },
    };
    const back = decodeCheckpoint(encodeCheckpoint(data));
    expect(back.model).toEqual(data.model);
    expect(back.optimizer).toBeUndefined();
    expect(back.rng).toBeUndefined();
    expect(back.carry).toEqual({});
  });
});

describe('atomic save', () => {
  it('writes a complete temporary file in the same folder, then renames it over the target', async () => {
    const path = join(dir, 'last.safetensors');
    const v1 = (await makeCheckpoint(1)).data;
    const v2 = (await makeCheckpoint(2)).data;
    saveCheckpoint(path, v1);
    let seen: string[] = [];
    saveCheckpoint(path, v2, {
      beforeRename: () => {
        seen = readdirSync(dir).sort();
        const tmp = seen.find((f) => f !== 'last.safetensors')!;
        expect(tmp).toMatch(/^\.last\.safetensors\.tmp/);
        // The temporary file is already complete and flushed; the target is still the old one.
        expect(readFileSync(join(dir, tmp))).toEqual(Buffer.from(encodeCheckpoint(v2)));
        expect(readFileSync(path)).toEqual(Buffer.from(encodeCheckpoint(v1)));
      },
    });
    expect(seen).toHaveLength(2);
    expect(readdirSync(dir)).toEqual(['last.safetensors']);
    expect(readFileSync(path)).toEqual(Buffer.from(encodeCheckpoint(v2)));
  });

  it('a save interrupted before the rename leaves the previous checkpoint intact and loadable', async () => {
    const path = join(dir, 'last.safetensors');
    const v1 = (await makeCheckpoint(1)).data;
    saveCheckpoint(path, v1);
    const before = readFileSync(path);
    const v2 = (await makeCheckpoint(2)).data;
    expect(() =>
      saveCheckpoint(path, v2, {
        beforeRename: () => {
          throw new Error('killed');
        },
      }),
    ).toThrow('killed');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(['last.safetensors']); // the temporary file is removed
    const back = loadCheckpoint(path);
    expect(back.model['rnn.weightIhL0'].data).toEqual(v1.model['rnn.weightIhL0'].data);
    expect(back.model['rnn.weightIhL0'].data).not.toEqual(v2.model['rnn.weightIhL0'].data);
  });

  it('a truncated temporary file left by a crash mid-write does not affect loading, and the next save replaces it', async () => {
    const path = join(dir, 'last.safetensors');
    const v1 = (await makeCheckpoint(1)).data;
    saveCheckpoint(path, v1);
    const before = readFileSync(path);
    // What a process killed mid-write leaves behind: a partial temporary file (here under this
    // process's own temporary name, and under another process's).
    let tmpName = '';
    saveCheckpoint(path, v1, {
      beforeRename: () => {
        tmpName = readdirSync(dir).find((f) => f !== 'last.safetensors')!;
      },
    });
    const partial = encodeCheckpoint((await makeCheckpoint(2)).data);
    writeFileSync(join(dir, tmpName), partial.subarray(0, partial.length >> 1));
    writeFileSync(join(dir, '.last.safetensors.tmp-999999'), partial.subarray(0, 100));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(loadCheckpoint(path).progress).toEqual(v1.progress);
    // The partial file itself is recognised as corrupt, not half-loaded.
    expect(() => loadCheckpoint(join(dir, tmpName))).toThrow(CorruptFileError);

    const v3 = {
      ...(await makeCheckpoint(3)).data,
      progress: { step: 9, epoch: 2, batchInEpoch: 0 },
    };
    saveCheckpoint(path, v3);
    expect(loadCheckpoint(path).progress).toEqual(v3.progress);
    expect(existsSync(join(dir, tmpName))).toBe(false);
  });

  it('a checkpoint truncated on disk is reported, not loaded', async () => {
    const path = join(dir, 'last.safetensors');
    saveCheckpoint(path, (await makeCheckpoint(1)).data);
    truncateSync(path, 300);
    expect(() => loadCheckpoint(path)).toThrow(CorruptFileError);
    expect(() => loadCheckpoint(path)).toThrow(
      new RegExp(
        `checkpoint ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid safetensors file: .*truncated`,
      ),
    );
  });
});

describe('loading into a different architecture', () => {
  let saved: CheckpointData;
  beforeAll(async () => {
    saved = (await makeCheckpoint(1)).data; // LSTM, hidden 6, one layer
  });
  const ckpt = () => saved;

  async function errorOf(model: SequenceRegressor): Promise<Error> {
    const before = await weights(model);
    let err: unknown;
    try {
      restoreModel(model, ckpt(), 'checkpoint last.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RnnkitError);
    // Nothing was loaded: a failed restore leaves the model as it was.
    expect(await weights(model)).toEqual(before);
    return err as Error;
  }

  const make = (cell: 'rnn' | 'lstm' | 'gru' | 'lstm-peephole', hiddenSize: number) => {
    manualSeed(5);
    return new SequenceRegressor({ cell, inputSize: 1, hiddenSize, outputSize: 1 });
  };

  it('another hidden size: names the tensor and both shapes', async () => {
    const e = await errorOf(make('lstm', 4));
    expect(e.message).toMatch(
      /^checkpoint last\.safetensors was made by a different architecture than this SequenceRegressor/,
    );
    expect(e.message).toContain('rnn.weightIhL0: expected shape [16, 1], got [24, 1]');
    expect(e.message).toContain('rnn.weightHhL0: expected shape [16, 4], got [24, 6]');
    expect(e.message).toContain('head.weight: expected shape [1, 4], got [1, 6]');
  });

  it('another cell: GRU and plain RNN of the same hidden size', async () => {
    expect((await errorOf(make('gru', 6))).message).toContain(
      'rnn.weightIhL0: expected shape [18, 1], got [24, 1]',
    );
    expect((await errorOf(make('rnn', 6))).message).toContain(
      'rnn.biasHhL0: expected shape [6], got [24]',
    );
  });

  it('an LSTM with peepholes: names the missing tensor', async () => {
    expect((await errorOf(make('lstm-peephole', 6))).message).toContain(
      'missing keys: rnn.peepholeL0',
    );
  });

  it('a deeper stack: names the unexpected and missing layers', async () => {
    manualSeed(5);
    const two = new SequenceRegressor({
      cell: 'lstm',
      inputSize: 1,
      hiddenSize: 6,
      numLayers: 2,
      outputSize: 1,
    });
    expect((await errorOf(two)).message).toMatch(/missing keys: rnn\.weightIhL1, rnn\.weightHhL1/);
  });

  it('the same architecture loads', async () => {
    const m = make('lstm', 6);
    restoreModel(m, ckpt());
    expect(await weights(m)).toEqual(
      Object.fromEntries(Object.entries(ckpt().model).map(([k, t]) => [k, Array.from(t.data)])),
    );
  });
});

describe('unreadable checkpoints give a clear error', () => {
  it('a missing file names the path and the reason', async () => {
    const path = join(dir, 'nope.safetensors');
    expect(() => loadCheckpoint(path)).toThrow(
      /cannot read checkpoint .*nope\.safetensors: ENOENT/,
    );
  });

  it('garbage bytes', async () => {
    const path = join(dir, 'garbage.safetensors');
    writeFileSync(path, 'this is not a checkpoint at all');
    expect(() => loadCheckpoint(path)).toThrow(CorruptFileError);
    expect(() => loadCheckpoint(path)).toThrow(
      /garbage\.safetensors is not a valid safetensors file/,
    );
  });

  it('a safetensors file that is not an rnnkit checkpoint', async () => {
    const path = join(dir, 'weights.safetensors');
    writeFileSync(path, encodeSafetensors({ w: { shape: [1], data: Float32Array.from([1]) } }));
    expect(() => loadCheckpoint(path)).toThrow(
      /is a safetensors file but not an rnnkit checkpoint/,
    );
  });

  it('rnnkit metadata that does not parse, or lacks progress', async () => {
    const w = { w: { shape: [1], data: Float32Array.from([1]) } };
    expect(() => decodeCheckpoint(encodeSafetensors(w, { rnnkit: '{oops' }))).toThrow(
      /its rnnkit metadata does not parse/,
    );
    const noProgress = JSON.stringify({ format: 'rnnkit-checkpoint', version: 1 });
    expect(() => decodeCheckpoint(encodeSafetensors(w, { rnnkit: noProgress }))).toThrow(
      /no valid progress/,
    );
  });
});
