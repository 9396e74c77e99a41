import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Rng, tensor } from '@rnnkit/core';
import { type TokenBatch, Vocabulary } from '@rnnkit/data';

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('rnnkit-bench: cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
}

/** Where tiny Shakespeare is read from: $RNNKIT_SHAKESPEARE, else ../shared/data next to the repo. */
export function shakespearePath(): string {
  return process.env.RNNKIT_SHAKESPEARE
    ? resolve(process.env.RNNKIT_SHAKESPEARE)
    : resolve(repoRoot(), '../shared/data/tinyshakespeare.txt');
}

let cached: { path: string; text: string } | undefined;

export function loadShakespeare(): string {
  const path = shakespearePath();
  if (cached?.path === path) return cached.text;
  if (!existsSync(path)) {
    throw new Error(
      process.env.RNNKIT_SHAKESPEARE
        ? `rnnkit-bench: RNNKIT_SHAKESPEARE points to ${path}, which does not exist.`
        : `rnnkit-bench: tiny Shakespeare not found at ${path}. The char workloads need it: put ` +
            'tinyshakespeare.txt (1,115,394 bytes) there, or set RNNKIT_SHAKESPEARE=/path/to/file.',
    );
  }
  cached = { path, text: readFileSync(path, 'utf8') };
  return cached.text;
}

let corpus: { path: string; vocab: Vocabulary; ids: Int32Array } | undefined;

/** Tiny Shakespeare, encoded once per process. */
export function shakespeareIds(): { vocab: Vocabulary; ids: Int32Array } {
  const text = loadShakespeare();
  const path = shakespearePath();
  if (corpus?.path !== path) {
    const vocab = Vocabulary.fromText(text);
    corpus = { path, vocab, ids: vocab.encode(text) };
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
