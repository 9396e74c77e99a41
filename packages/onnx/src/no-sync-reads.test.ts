import { createJsBackend } from '@rnnkit/backend-js';
import { CharLM, LSTM } from '@rnnkit/cells';
import { Rng, tensor, useBackend, valueAndGrad, withoutSyncReads } from '@rnnkit/core';
import { Adam, crossEntropy } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';

// Reads are asynchronous by contract. Export and import read with await only, so they work on a
// backend that cannot read synchronously (as a WebGPU one, or ONNX Runtime Web on a page's main
// thread): the weights, an integer input given as a tensor, a float input from another backend.
const js = useBackend('js');
const noSync = withoutSyncReads(createJsBackend());
const x = (be = js) =>
  tensor(
    Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)),
    [2, 4, 3],
    'float32',
    be,
  );

/** A CharLM trained a few Adam steps on `be`, so its weights are not the initial ones. */
async function trainedCharLM(be = js): Promise<CharLM> {
  const lm = new CharLM({
    vocabSize: 6,
    hiddenSize: 4,
    cell: 'lstm',
    rng: new Rng(1),
    backend: be,
  });
  const opt = new Adam(lm.parameters(), { lr: 0.05 });
  const ids = Int32Array.of(0, 1, 2, 3, 4, 5, 0, 1, 2);
  for (let s = 0; s < 3; s++) {
    const { value, grads } = valueAndGrad(
      () =>
        crossEntropy(
          lm.forward(tensor(ids.subarray(0, 8), [1, 8], 'int32', be)).logits,
          tensor(ids.subarray(1, 9), [1, 8], 'int32', be),
        ),
      lm.parameters(),
    );
    opt.step(grads);
    await value.data();
  }
  return lm;
}

describe('ONNX export and import on a backend without synchronous reads', () => {
  it('exports a trained model there with the same bytes as on js', async () => {
    const lm = await trainedCharLM(noSync);
    expect(lm.parameters()[0].backend).toBe(noSync);
    const there = await exportOnnx(lm, { metadata: { note: 'trained' } });
    await lm.to(js);
    expect(there).toEqual(await exportOnnx(lm, { metadata: { note: 'trained' } }));
    // and the trained weights are what was written: a fresh model's export differs
    const fresh = new CharLM({ vocabSize: 6, hiddenSize: 4, cell: 'lstm', rng: new Rng(1) });
    expect(there).not.toEqual(await exportOnnx(fresh, { metadata: { note: 'trained' } }));
  });

  it('runs an imported model there with a tensor input, as on js', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, rng: new Rng(2), backend: js });
    const bytes = await exportOnnx(lstm, { withState: false });
    const onNoSync = await importOnnx(bytes, { backend: noSync }).run({ input: x(noSync) });
    const onJs = await importOnnx(bytes, { backend: js }).run({ input: x() });
    expect(onNoSync.output.backend).toBe(noSync);
    expect(Array.from(await onNoSync.output.data())).toEqual(Array.from(onJs.output.dataSync()));
    // a float input on another backend is read with await and moved
    const moved = await importOnnx(bytes, { backend: noSync }).run({ input: x() });
    expect(Array.from(await moved.output.data())).toEqual(Array.from(onJs.output.dataSync()));
  });

  it('runs an imported model there with an integer input given as a tensor, as on js', async () => {
    const lm = await trainedCharLM();
    const bytes = await exportOnnx(lm, { withState: false });
    const ids = (be = js) => tensor(Int32Array.of(1, 4, 2), [1, 3], 'int32', be);
    const there = await importOnnx(bytes, { backend: noSync }).run({ tokens: ids(noSync) });
    const onJs = await importOnnx(bytes, { backend: js }).run({ tokens: ids() });
    expect(there.logits.shape).toEqual([1, 3, 6]);
    expect(Array.from(await there.logits.data())).toEqual(Array.from(onJs.logits.dataSync()));
  });

  it('runSync, for a loss inside valueAndGrad, names the fix where it would need a read', async () => {
    const lm = new CharLM({ vocabSize: 6, hiddenSize: 4, cell: 'gru', rng: new Rng(1) });
    const m = importOnnx(await exportOnnx(lm, { withState: false }), { backend: noSync });
    const ids = tensor(Int32Array.of(1, 4, 2), [1, 3], 'int32', noSync);
    expect(() => m.runSync({ tokens: ids })).toThrow(
      "OnnxModel.runSync: input 'tokens': backend 'js-async-reads' cannot read synchronously (reads are asynchronous by contract); pass its values instead: { data: await tensor.data(), shape: tensor.shape }, or use await model.run(feeds)",
    );
    const out = m.runSync({ tokens: { data: await ids.data(), shape: ids.shape } });
    expect(out.logits.shape).toEqual([1, 3, 6]);
  });
});
