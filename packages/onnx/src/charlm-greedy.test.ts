import '@rnnkit/backend-js';
import { CharLM, type LayerState } from '@rnnkit/cells';
import { Rng, type Tensor, tensor, valueAndGrad } from '@rnnkit/core';
import { Adam, crossEntropy } from '@rnnkit/train';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.js';
import { importOnnx } from './import.js';
import { ortFloat, ortInt64, runOrt, session } from './test-utils/ort.js';

/**
 * A char-level language model trained for a few steps here, exported, then sampled greedily one
 * character at a time through ONNX Runtime (carrying hn/cn between calls) and through importOnnx:
 * the text must be identical to rnnkit's own greedy sampling.
 */

const TEXT = 'the quick brown fox jumps over the lazy dog; the lazy dog sleeps. '.repeat(8);
const CHARS = [...new Set(TEXT)].sort();
const V = CHARS.length;
const ids = Array.from(TEXT, (c) => CHARS.indexOf(c));

function train(
  cell: 'lstm' | 'gru',
  steps: number,
): { model: CharLM; first: number; last: number } {
  const model = new CharLM({
    vocabSize: V,
    embeddingDim: 8,
    hiddenSize: 24,
    numLayers: 2,
    cell,
    rng: new Rng(11),
  });
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const rng = new Rng(12);
  const Bt = 8;
  const Tt = 16;
  let first = Number.NaN;
  let last = Number.NaN;
  for (let s = 0; s < steps; s++) {
    const x = new Int32Array(Bt * Tt);
    const y = new Int32Array(Bt * Tt);
    for (let b = 0; b < Bt; b++) {
      const at = rng.int(ids.length - Tt - 1);
      for (let t = 0; t < Tt; t++) {
        x[b * Tt + t] = ids[at + t];
        y[b * Tt + t] = ids[at + t + 1];
      }
    }
    const { value, grads } = valueAndGrad(
      () =>
        crossEntropy(
          model.forward(tensor(x, [Bt, Tt], 'int32')).logits,
          tensor(y, [Bt, Tt], 'int32'),
        ),
      model.parameters(),
    );
    opt.step(grads);
    if (s === 0) first = value.item();
    last = value.item();
  }
  return { model: model.eval(), first, last };
}

const argmax = (a: ArrayLike<number>) => {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[k]) k = i;
  return k;
};

function greedyRnnkit(m: CharLM, prompt: string, n: number): string {
  let state: LayerState | undefined;
  let logits: Tensor | undefined;
  for (const c of prompt)
    ({ logits, state } = m.step(tensor(Int32Array.of(CHARS.indexOf(c)), [1], 'int32'), state));
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = argmax(logits!.dataSync());
    out += CHARS[k];
    ({ logits, state } = m.step(tensor(Int32Array.of(k), [1], 'int32'), state));
  }
  return out;
}

/** Greedy sampling with a step function over (token, state) → (logits [V], state). */
async function greedyWith(
  step: (
    tok: number,
    h: Float32Array,
    c: Float32Array,
  ) => Promise<{ logits: ArrayLike<number>; h: Float32Array; c: Float32Array }>,
  stateSize: number,
  prompt: string,
  n: number,
): Promise<string> {
  let h: Float32Array = new Float32Array(stateSize);
  let c: Float32Array = new Float32Array(stateSize);
  let logits: ArrayLike<number> = [];
  for (const ch of prompt) ({ logits, h, c } = await step(CHARS.indexOf(ch), h, c));
  let out = '';
  for (let i = 0; i < n; i++) {
    const k = argmax(logits);
    out += CHARS[k];
    ({ logits, h, c } = await step(k, h, c));
  }
  return out;
}

describe('a trained CharLM sampled through ONNX Runtime gives the same greedy text', () => {
  it.each(['lstm', 'gru'] as const)(
    '%s',
    async (cell) => {
      const { model, first, last } = train(cell, cell === 'lstm' ? 80 : 40);
      expect(last).toBeLessThan(first * 0.75); // it learned something, so the text is not trivial
      const prompt = 'the ';
      const N = 80;
      const want = greedyRnnkit(model, prompt, N);

      const bytes = await exportOnnx(model);
      const shape = [2, 1, 24];
      const s = await session(bytes);
      const viaOrt = await greedyWith(
        async (tok, h, c) => {
          const feeds = {
            tokens: ortInt64([tok], [1, 1]),
            h0: ortFloat(tensor(h, shape)),
            ...(cell === 'lstm' ? { c0: ortFloat(tensor(c, shape)) } : {}),
          };
          const r = await runOrt(s, feeds);
          return { logits: r.logits.data, h: r.hn.data, c: r.cn?.data ?? c };
        },
        48,
        prompt,
        N,
      );
      expect(viaOrt).toBe(want);

      const imported = importOnnx(bytes);
      const viaImport = await greedyWith(
        async (tok, h, c) => {
          const r = await imported.run({
            tokens: { data: [tok], shape: [1, 1] },
            h0: tensor(h, shape),
            ...(cell === 'lstm' ? { c0: tensor(c, shape) } : {}),
          });
          return {
            logits: r.logits.dataSync(),
            h: r.hn.dataSync() as Float32Array,
            c: (r.cn?.dataSync() as Float32Array) ?? c,
          };
        },
        48,
        prompt,
        N,
      );
      expect(viaImport).toBe(want);
    },
    120_000,
  ); // trains 40-80 steps first: slow on a loaded 2-core CI machine
});
