import '@rnnkit/backend-js';
import { sineSeries, splitWindows, WindowDataset } from '@rnnkit/data';
import { describe, expect, it } from 'vitest';
import { Adam } from './optim/adam.js';
import { SGD } from './optim/sgd.js';
import { regressionLoss, regressor, weights } from './test-utils/sine.js';
import { NonFiniteLossError, Trainer } from './trainer.js';

/**
 * A non-finite loss has two causes with different fixes: NaN/Inf in the data (clean it) or a
 * diverging run (lower the learning rate). The error checks the batch first and says which.
 */
function windows() {
  const { y } = sineSeries({ length: 160, frequency: 1 / 40 });
  return splitWindows(y, { window: 8, validationFraction: 0.25 }).train; // 112 windows
}

async function fitOn(data: ReturnType<typeof windows>, lr: number, optim: 'adam' | 'sgd' = 'adam') {
  const model = regressor(3, { dropout: 0 });
  const optimizer =
    optim === 'adam' ? new Adam(model.parameters(), { lr }) : new SGD(model.parameters(), { lr });
  const train = new WindowDataset(data, { batchSize: 16 }); // in order: window k is in batch ⌊k/16⌋
  // the reads are issued in the callback, so they hold the weights of that moment
  let before: Promise<Record<string, number[]>> = Promise.resolve({});
  const steps: number[] = [];
  const error = await new Trainer()
    .fit({
      model,
      optimizer,
      loss: regressionLoss(model),
      train,
      epochs: 1,
      progress: 'none',
      callbacks: [
        {
          onStep: (s) => {
            steps.push(s.step);
            before = weights(model);
          },
        },
      ],
    })
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  return { error, steps, before: await before, after: await weights(model) };
}

describe('a non-finite loss names its cause', () => {
  it('NaN in the inputs of batch 3: the message names the input batch and the fix is the data', async () => {
    const data = windows();
    data.inputs[40 * 8 + 3] = Number.NaN; // window 40 → third batch, row 8, step 3 of the window
    data.inputs[41 * 8 + 0] = Number.NaN;
    const r = await fitOn(data, 0.01);
    expect(r.error).toBeInstanceOf(NonFiniteLossError);
    const msg = (r.error as Error).message;
    expect(msg).toMatch(
      /^loss became NaN at step 3; training stopped before updating the weights\./,
    );
    expect(msg).toContain(
      'The input batch of step 3 holds non-finite values: x (2 NaN; first at flat index 67). Clean the data',
    );
    expect(msg).toContain('the learning rate is not the cause');
    expect(msg).not.toContain('Lower the learning rate');
    expect(r.steps).toEqual([1, 2]);
    expect(r.after).toEqual(r.before);
  });

  it('Inf in the targets is named as y', async () => {
    const data = windows();
    data.targets[20] = Number.POSITIVE_INFINITY; // window 20 → second batch, row 4
    const r = await fitOn(data, 0.01);
    const msg = (r.error as Error).message;
    expect(msg).toMatch(/^loss became Infinity at step 2;/);
    expect(msg).toContain('holds non-finite values: y (1 Inf; first at flat index 4)');
  });

  it('finite data and a learning rate far too high: the message blames the divergence', async () => {
    const r = await fitOn(windows(), 1e30, 'sgd');
    expect(r.error).toBeInstanceOf(NonFiniteLossError);
    const msg = (r.error as Error).message;
    expect(msg).toMatch(/^loss became (NaN|Infinity) at step \d+; training stopped/);
    expect(msg).toContain(
      'Lower the learning rate or set clipNorm: the input batch is finite, so the training diverged.',
    );
    expect(msg).not.toContain('Clean the data');
  });
});
