import '@rnnkit/backend-js';
import { CharLM, type LayerState, SequenceRegressor } from '@rnnkit/cells';
import { Rng, slice, type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { buildLayer, HIDDEN, INPUT, SHAPES, seeded, VARIANTS } from './test-utils/cases.js';
import { maxAbsDiff } from './test-utils/fixtures.js';
import { ortFloat, ortInt64, runOrt, session } from './test-utils/ort.js';

/**
 * rnnkit → exportOnnx → ONNX Runtime (onnxruntime-node, CPU) must match rnnkit's own outputs within
 * 1e-5 for every cell variant (RNN tanh/relu/linear, LSTM with and without peepholes, GRU with the
 * reset gate after and before the recurrent product) and every layer shape (stacked,
 * bidirectional, no bias, time-major, last step only). importOnnx of the same bytes must match too.
 */

const TOL = 1e-5;
const B = 2;
const T = 5;

const MATRIX = VARIANTS.flatMap((v) =>
  SHAPES.map((s) => ({ v, s, label: `${v.name}, ${s.name}` })),
);

function expectClose(got: ArrayLike<number>, want: Tensor, what: string) {
  expect(got.length, what).toBe(want.size);
  expect(maxAbsDiff(got, want.dataSync()), what).toBeLessThan(TOL);
}

describe('round trip through ONNX Runtime: every cell and option', () => {
  it.each(MATRIX)('$label', async ({ v, s }) => {
    const layer = buildLayer(v, s);
    const L = layer.numLayers * layer.numDirections;
    const x = layer.batchFirst ? seeded([B, T, INPUT], 1) : seeded([T, B, INPUT], 1);
    const h0 = seeded([L, B, HIDDEN], 2, 0.5);
    const c0 = seeded([L, B, HIDDEN], 3, 0.5);
    const state: LayerState = layer.kind === 'lstm' ? { h: h0, c: c0 } : { h: h0 };
    const ref = layer.forward(x, state);

    const bytes = await exportOnnx(layer);
    const feeds = {
      input: ortFloat(x),
      h0: ortFloat(h0),
      ...(state.c ? { c0: ortFloat(c0) } : {}),
    };
    const got = await runOrt(await session(bytes), feeds);
    expect(got.output.dims).toEqual(ref.output.shape);
    expectClose(got.output.data, ref.output, 'output');
    expectClose(got.hn.data, ref.state.h, 'hn');
    if (state.c) expectClose(got.cn.data, ref.state.c!, 'cn');

    const back = await importOnnx(bytes).run({ input: x, h0, ...(state.c ? { c0 } : {}) });
    expectClose(back.output.dataSync(), ref.output, 'importOnnx output');
    expectClose(back.hn.dataSync(), ref.state.h, 'importOnnx hn');
  });

  it('withState: false has no state inputs or outputs and starts from zeros', async () => {
    const layer = buildLayer(VARIANTS[4], SHAPES[3]);
    const x = seeded([B, T, INPUT], 1);
    const s = await session(await exportOnnx(layer, { withState: false }));
    expect(s.inputNames).toEqual(['input']);
    expect(s.outputNames).toEqual(['output']);
    const got = await runOrt(s, { input: ortFloat(x) });
    expectClose(got.output.data, layer.forward(x).output, 'output');
  });

  it("sequenceLength 'dynamic' runs any length; a number fixes it", async () => {
    const layer = buildLayer(VARIANTS[5], SHAPES[1]);
    const dyn = await session(await exportOnnx(layer, { withState: false }));
    for (const t of [1, 3, 8]) {
      const x = seeded([3, t, INPUT], t);
      const got = await runOrt(dyn, { input: ortFloat(x) });
      expectClose(got.output.data, layer.forward(x).output, `T=${t}`);
    }
    const fixed = await session(await exportOnnx(layer, { withState: false, sequenceLength: 4 }));
    await expect(runOrt(fixed, { input: ortFloat(seeded([1, 5, INPUT], 1)) })).rejects.toThrow();
    const x = seeded([1, 4, INPUT], 1);
    expectClose(
      (await runOrt(fixed, { input: ortFloat(x) })).output.data,
      layer.forward(x).output,
      'T=4',
    );
  });

  it('streams: two chunks through ONNX Runtime carrying hn/cn equal one pass in rnnkit', async () => {
    const layer = buildLayer(VARIANTS[4], SHAPES[1]);
    const s = await session(await exportOnnx(layer));
    const x = seeded([B, 7, INPUT], 4);
    const L = layer.numLayers;
    const zeros = tensor(new Float32Array(L * B * HIDDEN), [L, B, HIDDEN]);
    const a = await runOrt(s, {
      input: ortFloat(slice(x, [0, 0, 0], [B, 3, INPUT])),
      h0: ortFloat(zeros),
      c0: ortFloat(zeros),
    });
    const b = await runOrt(s, {
      input: ortFloat(slice(x, [0, 3, 0], [B, 4, INPUT])),
      h0: ortFloat(tensor(a.hn.data, [L, B, HIDDEN])),
      c0: ortFloat(tensor(a.cn.data, [L, B, HIDDEN])),
    });
    const ref = layer.forward(x);
    expectClose(b.output.data, slice(ref.output, [0, 3, 0], [B, 4, HIDDEN]), 'second chunk');
    expectClose(b.cn.data, ref.state.c!, 'cn');
  });
});

describe('round trip: ready models', () => {
  it.each([
    ['lstm-peephole', 'last'],
    ['gru', 'all'],
    ['rnn', 'last'],
  ] as const)('SequenceRegressor %s, head %s', async (cell, head) => {
    const m = new SequenceRegressor({
      cell,
      inputSize: INPUT,
      hiddenSize: HIDDEN,
      numLayers: 2,
      bidirectional: true,
      outputSize: 3,
      head,
      rng: new Rng(9),
    });
    const x = seeded([B, T, INPUT], 5);
    const ref = m.forward(x);
    const bytes = await exportOnnx(m, { withState: false });
    const got = await runOrt(await session(bytes), { input: ortFloat(x) });
    expect(got.output.dims).toEqual(ref.shape);
    expectClose(got.output.data, ref, 'output');
    expectClose((await importOnnx(bytes).run({ input: x })).output.dataSync(), ref, 'importOnnx');
  });

  it.each(['lstm', 'gru', 'rnn'] as const)('CharLM %s: logits and state', async (cell) => {
    const m = new CharLM({
      vocabSize: 7,
      embeddingDim: 5,
      hiddenSize: HIDDEN,
      numLayers: 2,
      cell,
      rng: new Rng(2),
    });
    m.eval();
    const toks = Int32Array.from([1, 3, 0, 6, 2, 2, 5, 4, 1, 0]);
    const ref = m.forward(tensor(toks, [B, T], 'int32'));
    const bytes = await exportOnnx(m);
    const L = 2;
    const z = new Float32Array(L * B * HIDDEN);
    const feeds: Record<string, ReturnType<typeof ortFloat>> = {
      tokens: ortInt64(toks, [B, T]),
      h0: ortFloat(tensor(z, [L, B, HIDDEN])),
    };
    if (cell === 'lstm') feeds.c0 = feeds.h0;
    const got = await runOrt(await session(bytes), feeds);
    expect(got.logits.dims).toEqual([B, T, 7]);
    expectClose(got.logits.data, ref.logits, 'logits');
    expectClose(got.hn.data, ref.state.h, 'hn');

    const i32 = await session(await exportOnnx(m, { tokenType: 'int32', withState: false }));
    const { ort } = await import('./test-utils/ort.js');
    const got32 = await runOrt(i32, { tokens: new ort.Tensor('int32', toks, [B, T]) });
    expectClose(got32.logits.data, ref.logits, 'int32 tokens');
  });
});
