import { CharLM, type LayerState } from '@rnnkit/cells';
import {
  addScalar,
  memory,
  Rng,
  registerBackend,
  type Tensor,
  tensor,
  useBackend,
} from '@rnnkit/core';
import { Adam, type Carry, crossEntropy, NonFiniteLossError, Trainer } from '@rnnkit/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnnxBackend } from './backend.js';
import { createOnnxBackend } from './index.js';
import type { RemoteRuntime } from './runtime/node/remote.js';

// On a compiling backend the Trainer runs a whole step (loss, gradients, Adam) as one graph and
// reads the loss afterwards; a non-finite loss must undo the update it already made.

beforeAll(() => {
  registerBackend('onnx-nan-worker', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
  registerBackend('onnx-nan-thread', () =>
    createOnnxBackend('onnx', { threads: 1, worker: false }),
  );
});

const V = 9;
const T = 6;
const B = 2;

function batches(n: number) {
  const r = new Rng(5);
  return Array.from({ length: n }, () => ({
    x: Int32Array.from({ length: B * T }, () => Math.floor(r.random() * V)),
    y: Int32Array.from({ length: B * T }, () => Math.floor(r.random() * V)),
  }));
}

/** Made as consumed: a run that stops early leaves no batch tensors behind. */
const source = (bs: ReturnType<typeof batches>) => ({
  numBatches: () => bs.length,
  *batches() {
    for (const b of bs) yield { x: tensor(b.x, [B, T], 'int32'), y: tensor(b.y, [B, T], 'int32') };
  },
});

for (const name of ['onnx-nan-worker', 'onnx-nan-thread']) {
  describe(`a non-finite loss on ${name}`, () => {
    it('leaves weights, Adam state and step count as before the bad step, and training goes on from there', async () => {
      const be = useBackend(name) as OnnxBackend;
      const model = new CharLM({ vocabSize: V, hiddenSize: 8, cell: 'lstm', rng: new Rng(1) });
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const weights = () => model.parameters().map((p) => Array.from(p.dataSync()));
      const tensorsBefore = memory().numTensors;
      let calls = 0;
      let before: { weights: number[][]; state: ReturnType<Adam['stateDict']> } | undefined;
      const loss = (b: { x: Tensor; y: Tensor }, carry: Carry | undefined) => {
        calls++;
        const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
        let l = crossEntropy(logits, b.y);
        if (calls === 4) {
          // read while the bad step is traced: its inputs are the state after step 3
          before = { weights: weights(), state: optimizer.stateDict() };
          l = addScalar(l, Number.NaN);
        }
        return { loss: l, carry: { h: state.h, c: state.c } };
      };
      const err = await new Trainer()
        // one step per call: the loss counts steps (fused blocks: fused-steps.test.ts)
        .fit({
          model,
          optimizer,
          loss,
          train: source(batches(6)),
          tbptt: true,
          progress: 'none',
          stepsPerCall: 1,
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect(err.message).toMatch(/loss became NaN at step 4/);
      expect(weights()).toEqual(before!.weights);
      expect(await optimizer.stateDict()).toEqual(await before!.state);
      expect(optimizer.stepCount).toBe(3);
      // nothing left behind but the Adam buffers (m and v per parameter)
      expect(memory().numTensors - tensorsBefore).toBe(2 * model.parameters().length);
      if (name === 'onnx-nan-worker') {
        // one graph per step, the bad one included
        expect((be.graphs.remote as RemoteRuntime).runs).toBe(4);
      }
      // the restored state trains on
      const fit = await new Trainer().fit({
        model,
        optimizer,
        loss: (b: { x: Tensor; y: Tensor }) => crossEntropy(model.forward(b.x).logits, b.y),
        train: source(batches(2)),
        progress: 'none',
      });
      expect(fit.trainLoss.every((l) => Number.isFinite(l.loss))).toBe(true);
      expect(optimizer.stepCount).toBe(5);
      expect(weights()).not.toEqual(before!.weights);
    });

    it('a NaN at the first step leaves the weights, zero Adam buffers and step 0', async () => {
      useBackend(name);
      const model = new CharLM({ vocabSize: V, hiddenSize: 8, cell: 'lstm', rng: new Rng(4) });
      const optimizer = new Adam(model.parameters(), { lr: 0.05 });
      const weights = () => model.parameters().map((p) => Array.from(p.dataSync()));
      const start = weights();
      const err = await new Trainer()
        .fit({
          model,
          optimizer,
          loss: (b: { x: Tensor; y: Tensor }) =>
            addScalar(crossEntropy(model.forward(b.x).logits, b.y), Number.NaN),
          train: source(batches(2)),
          progress: 'none',
        })
        .catch((e) => e);
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect(weights()).toEqual(start);
      const state = await optimizer.stateDict();
      expect(state.stepCount).toBe(0);
      // the buffers the bad step created are back to the zeros they started as
      for (const t of Object.values(state.tensors)) expect(t.data.every((v) => v === 0)).toBe(true);
    });

    it('a step that throws halfway through the update leaves everything as before it', async () => {
      useBackend(name);
      /** Adam that fails on its third step, after updating the first parameter. */
      class FailingAdam extends Adam {
        protected override update(i: number, grad: Tensor): void {
          if (this.stepCount === 3 && i === 1) throw new Error('update failed');
          super.update(i, grad);
        }
      }
      const model = new CharLM({ vocabSize: V, hiddenSize: 8, cell: 'lstm', rng: new Rng(2) });
      const optimizer = new FailingAdam(model.parameters(), { lr: 0.05 });
      const weights = () => model.parameters().map((p) => Array.from(p.dataSync()));
      let after2: { weights: number[][]; state: ReturnType<Adam['stateDict']> } | undefined;
      const err = await new Trainer()
        .fit({
          model,
          optimizer,
          loss: (b: { x: Tensor; y: Tensor }) => crossEntropy(model.forward(b.x).logits, b.y),
          train: source(batches(4)),
          progress: 'none',
          callbacks: [
            {
              onStep: ({ step }) => {
                if (step === 2) after2 = { weights: weights(), state: optimizer.stateDict() };
              },
            },
          ],
        })
        .catch((e) => e);
      expect(err.message).toBe('update failed');
      expect(weights()).toEqual(after2!.weights);
      expect(await optimizer.stateDict()).toEqual(await after2!.state);
      expect(optimizer.stepCount).toBe(2);
    });
  });
}
