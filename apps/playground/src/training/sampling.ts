import { noGrad, type Rng, RnnkitError, reshape, tensor, tidy } from '@rnnkit/core';
import type { CharModel } from './char-run.js';

// Sampling text from a character model one character at a time, carrying the state, with
// asynchronous reads (a GPU backend has no synchronous one) and each character handed over as
// soon as it is drawn.

export interface SampleOptions {
  /** Text the model reads first; the sample continues it. */
  prime: string;
  length: number;
  /** Below 1 sharper, above 1 flatter; 0 always takes the most likely character. */
  temperature: number;
  /** Draw among the k most likely characters (0: all). */
  topK: number;
  rng: Rng;
  onChar?(ch: string): void;
  /** Checked between characters: true stops the sample early. */
  stopped?(): boolean;
}

/** Draws an index from logits: softmax(logits / temperature) over the top k, one uniform draw. */
export function drawIndex(logits: ArrayLike<number>, temperature: number, topK: number, rng: Rng) {
  const order = Array.from({ length: logits.length }, (_, i) => i).sort(
    (a, b) => logits[b] - logits[a] || a - b,
  );
  if (temperature === 0) return order[0];
  const kept = topK > 0 ? order.slice(0, topK) : order;
  const top = logits[kept[0]];
  const weights = kept.map((i) => Math.exp((logits[i] - top) / temperature));
  let u = rng.random() * weights.reduce((a, b) => a + b, 0);
  for (let j = 0; j < kept.length; j++) {
    u -= weights[j];
    if (u < 0) return kept[j];
  }
  return kept[0];
}

export async function sampleText(m: CharModel, o: SampleOptions): Promise<string> {
  if (!(o.temperature >= 0)) throw new RnnkitError(`temperature must be ≥ 0, got ${o.temperature}`);
  if (!(Number.isInteger(o.topK) && o.topK >= 0))
    throw new RnnkitError(`top-k must be a whole number ≥ 0, got ${o.topK}`);
  if (o.prime.length === 0)
    throw new RnnkitError('the prime text is empty: give the model at least one character to read');
  const { model, vocabulary } = m;
  const primeIds = vocabulary.encode(o.prime, {
    context: `the prime text ${JSON.stringify(o.prime)}`,
  });
  model.eval();
  const stepper = model.stepper();
  let out = '';
  try {
    const first = tidy(() =>
      noGrad(() => {
        const f = model.forward(tensor(primeIds, [1, primeIds.length], 'int32'));
        stepper.reset(f.state);
        return reshape(f.logits, [primeIds.length, vocabulary.size]);
      }),
    );
    const all = await first.data();
    first.dispose();
    let logits: ArrayLike<number> = all.subarray((primeIds.length - 1) * vocabulary.size);
    for (let i = 0; i < o.length && !o.stopped?.(); i++) {
      const id = drawIndex(logits, o.temperature, o.topK, o.rng);
      out += vocabulary.chars[id];
      o.onChar?.(vocabulary.chars[id]);
      if (i === o.length - 1) break;
      const next = tidy(() => noGrad(() => stepper.step(tensor(Int32Array.of(id), [1], 'int32'))));
      logits = await next.data();
      next.dispose();
    }
  } finally {
    stepper.dispose();
  }
  return out;
}
