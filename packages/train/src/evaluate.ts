import { compile, dispose, type Module, noGrad, RnnkitError, Tensor, tidy } from '@rnnkit/core';
import type { BatchSource, Carry, LossFn } from './fit-types.js';

/**
 * Mean loss over a dataset in evaluation mode, without gradients (carrying state when tbptt).
 * `onBatch` hears the number of batches scored so far after each one (for a progress display).
 * Each batch's loss is read back asynchronously (reads are asynchronous by contract).
 */
export async function evaluate<B>(
  model: Module,
  loss: LossFn<B>,
  data: BatchSource<B>,
  tbptt = false,
  onBatch?: (done: number) => void,
): Promise<number> {
  const wasTraining = model.training;
  model.eval();
  let total = 0;
  let n = 0;
  let carry: Carry | undefined;
  try {
    for (const batch of data.batches(0)) {
      // On a compiling backend (onnx) the whole evaluation of a batch runs as one graph.
      const r = compile(() =>
        tidy(() =>
          noGrad(() => {
            const out = loss(batch, carry);
            return out instanceof Tensor ? { loss: out } : out;
          }),
        ),
      )();
      try {
        total += (await r.loss.data())[0];
      } finally {
        dispose(r.loss);
      }
      n++;
      if (tbptt) {
        if (carry) dispose(carry);
        carry = r.carry;
      } else if (r.carry) dispose(r.carry);
      dispose(batch);
      onBatch?.(n);
    }
  } finally {
    if (carry) dispose(carry);
    model.train(wasTraining);
  }
  if (n === 0) throw new RnnkitError('evaluate: the dataset produced no batches');
  return total / n;
}

/** Losses near zero read better in exponent form. */
export function formatLoss(x: number): string {
  return Math.abs(x) >= 0.01 || x === 0 ? x.toFixed(4) : x.toExponential(3);
}
