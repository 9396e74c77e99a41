import { createJsBackend } from '@rnnkit/backend-js';
import { CharLM, LSTM } from '@rnnkit/cells';
import { Rng, tensor, useBackend, withoutSyncReads } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';

// Reads are asynchronous by contract. Import runs a model on a backend that cannot read
// synchronously (as a WebGPU one) without reading its float inputs back; where export or import
// must read in their one synchronous pass, they say so and how to go on, instead of the generic
// error of dataSync().
const js = useBackend('js');
const noSync = withoutSyncReads(createJsBackend());
const x = (be = js) =>
  tensor(
    Float32Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)),
    [2, 4, 3],
    'float32',
    be,
  );

describe('ONNX import and export on a backend without synchronous reads', () => {
  it('runs an imported model on it with a tensor input, as on js', async () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 5, rng: new Rng(2), backend: js });
    const bytes = exportOnnx(lstm, { withState: false });
    const onNoSync = importOnnx(bytes, { backend: noSync }).run({ input: x(noSync) });
    const onJs = importOnnx(bytes, { backend: js }).run({ input: x() });
    expect(onNoSync.output.backend).toBe(noSync);
    expect(Array.from(await onNoSync.output.data())).toEqual(Array.from(onJs.output.dataSync()));
  });

  it('an integer input given as a tensor there names the fix; its values work', async () => {
    const lm = new CharLM({ vocabSize: 6, hiddenSize: 4, cell: 'gru', rng: new Rng(1) });
    const m = importOnnx(exportOnnx(lm, { withState: false }), { backend: noSync });
    const ids = tensor(Int32Array.of(1, 4, 2), [1, 3], 'int32', noSync);
    expect(() => m.run({ tokens: ids })).toThrow(
      "OnnxModel.run: input 'tokens': backend 'js-async-reads' cannot read synchronously (reads are asynchronous by contract); pass its values instead: { data: await tensor.data(), shape: tensor.shape }",
    );
    const out = m.run({ tokens: { data: await ids.data(), shape: ids.shape } });
    expect(out.logits.shape).toEqual([1, 3, 6]);
  });

  it('exporting a model that lives there says to move it first; moved, it exports the same bytes', async () => {
    const made = (backend = js) =>
      new LSTM({ inputSize: 3, hiddenSize: 5, rng: new Rng(7), backend });
    const lstm = made(noSync);
    expect(() => exportOnnx(lstm)).toThrow(
      "exportOnnx: backend 'js-async-reads' cannot read synchronously (reads are asynchronous by contract); move the model to one that can first (await model.to('js')), then export",
    );
    await lstm.to(js);
    expect(exportOnnx(lstm)).toEqual(exportOnnx(made()));
  });
});
