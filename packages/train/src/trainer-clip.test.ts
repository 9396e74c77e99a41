import '@rnnkit/backend-js';
import { mul, sum, valueAndGrad } from '@rnnkit/core';
import type { Batch } from '@rnnkit/data';
import { describe, expect, it } from 'vitest';
import { SGD } from './optim/sgd.js';
import { regressionLoss, regressor, sineData, weights } from './test-utils/sine.js';
import { type StepInfo, Trainer } from './trainer.js';

const LR = 0.5;

/** One Trainer step (SGD, no shuffle dependence: the first batch of epoch 0). */
async function oneStep(extra: { clipNorm?: number; clipValue?: number }) {
  const model = regressor(6, { dropout: 0 });
  const infos: StepInfo[] = [];
  await new Trainer().fit({
    model,
    optimizer: new SGD(model.parameters(), { lr: LR }),
    loss: regressionLoss(model),
    train: sineData().train,
    maxSteps: 1,
    progress: 'none',
    callbacks: [{ onStep: (i) => infos.push(i) }],
    ...extra,
  });
  return { model, info: infos[0] };
}

/** The first batch's gradients at the initial weights, and their global L2 norm (float64). */
async function reference() {
  const model = regressor(6, { dropout: 0 });
  const batch = [...sineData().train.batches(0)][0] as Batch;
  const { grads } = valueAndGrad(
    () => regressionLoss(model)(batch, undefined) as never,
    model.parameters(),
  );
  const g = await Promise.all(grads.map(async (t) => Array.from(await t.data(), Number)));
  const squares = await Promise.all(grads.map(async (t) => (await sum(mul(t, t)).data())[0]));
  const norm = Math.sqrt(squares.reduce((a, v) => a + v, 0));
  return { w0: await weights(model), names: Object.keys(await weights(model)), g, norm };
}

describe('gradient clipping in the Trainer', () => {
  it('clipNorm scales the update by maxNorm / (norm + 1e-6) and reports the pre-clip norm', async () => {
    const ref = await reference();
    const maxNorm = ref.norm / 4; // clipping is active
    const { model, info } = await oneStep({ clipNorm: maxNorm });
    expect(info.gradNorm).toBeCloseTo(ref.norm, 6);
    const coef = maxNorm / (ref.norm + 1e-6);
    const w = await weights(model);
    ref.names.forEach((name, i) => {
      const want = ref.w0[name].map((v, j) => v - LR * coef * ref.g[i][j]);
      w[name].forEach((v, j) => {
        expect(Math.abs(v - want[j]), `${name}[${j}]`).toBeLessThan(1e-6);
      });
    });
    // The clipped step is a quarter of the plain one (up to float32 rounding).
    const plain = await oneStep({});
    const name = ref.names[0];
    const dClip = w[name][0] - ref.w0[name][0];
    const dPlain = (await weights(plain.model))[name][0] - ref.w0[name][0];
    expect(dClip / dPlain).toBeCloseTo(0.25, 4);
  });

  it('a maxNorm above the norm leaves the update unclipped (and still reports the norm)', async () => {
    const ref = await reference();
    const { model, info } = await oneStep({ clipNorm: ref.norm * 10 });
    expect(info.gradNorm).toBeCloseTo(ref.norm, 6);
    expect(await weights(model)).toEqual(await weights((await oneStep({})).model));
  });

  it('without clipNorm no gradNorm is reported', async () => {
    const { info } = await oneStep({});
    expect(info.gradNorm).toBeUndefined();
    expect(info.step).toBe(1);
    expect(info.lr).toBe(LR);
  });

  it('clipValue clamps each gradient element', async () => {
    const ref = await reference();
    const limit = 0.01;
    expect(ref.g.flat().some((v) => Math.abs(v) > limit)).toBe(true);
    const { model } = await oneStep({ clipValue: limit });
    const w = await weights(model);
    ref.names.forEach((name, i) => {
      const want = ref.w0[name].map(
        (v, j) => v - LR * Math.min(limit, Math.max(-limit, ref.g[i][j])),
      );
      w[name].forEach((v, j) => {
        expect(Math.abs(v - want[j]), `${name}[${j}]`).toBeLessThan(1e-6);
      });
    });
  });
});
