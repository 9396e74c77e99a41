import { CharLM, type LayerState } from '@rnnkit/cells';
import { memory, Rng, setBackend, type Tensor, tensor } from '@rnnkit/core';
import { Adam, type BatchSource, crossEntropy, Trainer } from '@rnnkit/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import './index.js';

/**
 * Long training must not grow memory: 200 Trainer steps of a small char model (embedding,
 * recurrent layer with truncated-BPTT carry, linear head, cross-entropy, Adam, gradient
 * clipping) leave TensorFlow.js with exactly the same number of tensors and bytes after step
 * 200 as after step 20, and core with the same number of live tensors.
 */

const VOCAB = 12;
const B = 4;
const T = 8;
const STEPS = 200;

interface TokenBatch {
  x: Tensor;
  y: Tensor;
}

/** B contiguous streams over a fixed pseudo-random token sequence, T tokens per batch. */
function streams(): BatchSource<TokenBatch> {
  const rng = new Rng(3);
  const n = B * (STEPS * T + 2);
  const ids = Int32Array.from({ length: n }, (_, i) =>
    i % 3 === 0 ? (i / 3) % VOCAB : rng.int(VOCAB),
  );
  const L = Math.floor((n - 1) / B);
  return {
    numBatches: () => Math.floor((L - 1) / T),
    batches() {
      const nb = Math.floor((L - 1) / T);
      return {
        *[Symbol.iterator]() {
          for (let k = 0; k < nb; k++) {
            const x = new Int32Array(B * T);
            const y = new Int32Array(B * T);
            for (let b = 0; b < B; b++) {
              x.set(ids.subarray(b * L + k * T, b * L + k * T + T), b * T);
              y.set(ids.subarray(b * L + k * T + 1, b * L + k * T + T + 1), b * T);
            }
            yield { x: tensor(x, [B, T], 'int32'), y: tensor(y, [B, T], 'int32') };
          }
        },
      };
    },
  };
}

describe.each(['tfjs-cpu', 'tfjs-wasm'])('memory on %s', (name) => {
  it.each(['lstm', 'gru'] as const)(
    `CharLM (%s) with Adam: tf.memory() is the same after step 20 and step ${STEPS}`,
    async (cell) => {
      const be = await setBackend(name);
      const model = new CharLM({
        cell,
        vocabSize: VOCAB,
        embeddingDim: 8,
        hiddenSize: 16,
        rng: new Rng(0),
        backend: be,
      });
      const seen = new Map<number, { tensors: number; bytes: number; core: number }>();
      const fit = await new Trainer().fit({
        model,
        optimizer: new Adam(model.parameters(), { lr: 0.01 }),
        loss: (b: TokenBatch, carry) => {
          const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
          return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
        },
        train: streams(),
        maxSteps: STEPS,
        tbptt: true,
        clipNorm: 1,
        progress: 'none',
        callbacks: [
          {
            onStep: ({ step }) => {
              if (step === 20 || step === STEPS) {
                const m = tf.memory();
                seen.set(step, {
                  tensors: m.numTensors,
                  bytes: m.numBytes,
                  core: memory().numTensors,
                });
              }
            },
          },
        ],
      });
      expect(fit.steps).toBe(STEPS);
      expect(seen.get(20)).toBeDefined();
      expect(seen.get(STEPS)).toEqual(seen.get(20));
      // It learned something (the every-third token is predictable), so the steps were real.
      const loss = fit.trainLoss.map((l) => l.loss);
      const head = loss.slice(0, 10).reduce((a, b) => a + b) / 10;
      const tail = loss.slice(-10).reduce((a, b) => a + b) / 10;
      expect(tail).toBeLessThan(head);
      // Freeing the model and the optimizer state returns every tfjs tensor they held.
      const before = tf.memory().numTensors;
      const held = model.parameters().length;
      for (const p of model.parameters()) p.dispose();
      expect(tf.memory().numTensors).toBe(before - held);
    },
    60_000,
  );
});
