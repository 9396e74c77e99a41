import { type Rng, tensor } from '@rnnkit/core';
import { type TokenBatch, Vocabulary } from '@rnnkit/data';

// The char workloads' text and batches, in Node and in a browser alike (no node: modules): the
// text itself comes in through the bench context (read from the file by corpus-file.ts in Node).

let corpus: { text: string; vocab: Vocabulary; ids: Int32Array } | undefined;

/** The corpus (tiny Shakespeare) as ids over its sorted distinct characters; encoded once per text. */
export function shakespeareIds(text: string): { vocab: Vocabulary; ids: Int32Array } {
  if (corpus?.text !== text) {
    const vocab = Vocabulary.fromText(text);
    corpus = { text, vocab, ids: vocab.encode(text) };
  }
  return corpus;
}

/** The same batch as plain character ids (row-major [batch, time]), for the tfjs-layers peers. */
export interface IdBatch {
  x: Int32Array;
  y: Int32Array;
}

/**
 * Random windows (the PyTorch char-GRU example's `random_training_set`): every batch takes
 * `batch` windows of `time + 1` characters at uniformly random offsets; no state is carried.
 */
export class RandomWindows {
  constructor(
    readonly ids: Int32Array,
    readonly batch: number,
    readonly time: number,
    readonly steps: number,
    readonly rng: Rng,
  ) {}

  numBatches(): number {
    return this.steps;
  }

  /** The next batch as plain arrays (row-major [batch, time]), drawing from the shared rng. */
  nextIdBatch(): IdBatch {
    const { ids, batch: B, time: T, rng } = this;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const from = rng.int(ids.length - T - 1);
      x.set(ids.subarray(from, from + T), b * T);
      y.set(ids.subarray(from + 1, from + T + 1), b * T);
    }
    return { x, y };
  }

  batches(_epoch: number): Iterable<TokenBatch> {
    const { batch: B, time: T, steps } = this;
    const next = () => this.nextIdBatch();
    return {
      *[Symbol.iterator]() {
        for (let k = 0; k < steps; k++) {
          const { x, y } = next();
          yield { x: tensor(x, [B, T], 'int32'), y: tensor(y, [B, T], 'int32') };
        }
      },
    };
  }
}

/** Draws an index from unnormalised probabilities (a softmax output row). */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i];
  let u = rng.random() * total;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i];
    if (u < 0) return i;
  }
  return probs.length - 1;
}
