import { CharLM } from '@rnnkit/cells';
import {
  add,
  compile,
  gather,
  Rng,
  RnnkitError,
  registerBackend,
  sum,
  type Tensor,
  tensor,
  useBackend,
  zeros,
} from '@rnnkit/core';
import { OnnxRuntimeError as FromOnnx } from '@rnnkit/onnx/errors';
import { Adam, crossEntropy, Trainer } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { createOnnxBackend, OnnxRuntimeError } from './index.js';

const V = 11;

/** Trains a char model one step on a batch holding token id V, one past the embedding's last row. */
async function trainPastVocabulary(backend: string) {
  useBackend(backend);
  const model = new CharLM({ vocabSize: V, hiddenSize: 8, cell: 'gru', rng: new Rng(1) });
  const x = Int32Array.from({ length: 2 * 5 }, (_, i) => i % V);
  x[3] = V;
  return new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: 0.01 }),
    train: {
      numBatches: () => 1,
      batches: () => [
        { x: tensor(x, [2, 5], 'int32'), y: tensor(new Int32Array(10), [2, 5], 'int32') },
      ],
    },
    loss: ({ x, y }: { x: Tensor; y: Tensor }) => crossEntropy(model.forward(x).logits, y),
    progress: 'none',
  });
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe("ONNX Runtime's errors reach users as OnnxRuntimeError", () => {
  it('is the one class @rnnkit/onnx throws too, a RnnkitError', () => {
    expect(OnnxRuntimeError).toBe(FromOnnx);
    expect(new OnnxRuntimeError('x', 'y')).toBeInstanceOf(RnnkitError);
  });

  it.each([
    ['calling thread', false],
    ['worker', true],
  ] as const)(
    'an Embedding fed a token id past the vocabulary while training (%s)',
    async (_, worker) => {
      const name = `onnx-ort-errors-${worker}`;
      registerBackend(name, () => createOnnxBackend('onnx', { threads: 1, worker }));
      const e = await failure(trainPastVocabulary(name));
      expect(e).toBeInstanceOf(OnnxRuntimeError);
      expect(e).toBeInstanceOf(RnnkitError);
      const ort = (e as OnnxRuntimeError).ortMessage;
      expect(ort).toMatch(/Gather.*indices element out of data bounds, idx=11/);
      expect((e as Error).message).toContain(ort);
    },
  );

  it.each([
    ['calling thread', false],
    ['worker', true],
  ] as const)('an allocation ONNX Runtime cannot make (%s)', async (_, worker) => {
    const name = `onnx-ort-alloc-${worker}`;
    registerBackend(name, () => createOnnxBackend('onnx', { threads: 1, worker }));
    useBackend(name);
    const x = tensor([1, 2], [2]);
    // 1e14 floats: 400 TB, more than a 64-bit process can map, so it fails on any machine
    const huge = compile(() => sum(add(zeros([1e7, 1e7]), sum(x))));
    const e = await failure(Promise.resolve().then(() => huge().data()));
    expect(e).toBeInstanceOf(OnnxRuntimeError);
    expect((e as OnnxRuntimeError).ortMessage).toMatch(/Failed to allocate memory/);
  });

  it('an eager kernel on the calling thread', () => {
    registerBackend('onnx-ort-errors-eager', () => createOnnxBackend('onnx', { threads: 1 }));
    useBackend('onnx-ort-errors-eager');
    const t = tensor([1, 2, 3, 4], [2, 2]);
    const i = tensor(Int32Array.from([0, 5]), [2], 'int32');
    expect(() => gather(t, i)).toThrow(OnnxRuntimeError);
    expect(() => gather(t, i)).toThrow(/indices element out of data bounds, idx=5/);
  });
});
