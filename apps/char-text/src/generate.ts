import type { CharLM } from '@rnnkit/cells';
import {
  getBackend,
  noGrad,
  type Rng,
  RnnkitError,
  reshape,
  slice,
  type Tensor,
  tensor,
  tidy,
} from '@rnnkit/core';
import type { Vocabulary } from '@rnnkit/data';

export interface SamplingOptions {
  /** Divides the logits: below 1 sharper, above 1 flatter; 0 picks the most likely character. */
  temperature?: number;
  /** Draw only among the `topK` most likely characters (0 or undefined: all). */
  topK?: number;
}

/** The index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

export function checkSampling(o: SamplingOptions): void {
  const t = o.temperature ?? 1;
  if (!(Number.isFinite(t) && t >= 0))
    throw new RnnkitError(`temperature must be a number ≥ 0, got ${o.temperature}`);
  const k = o.topK ?? 0;
  if (!(Number.isInteger(k) && k >= 0))
    throw new RnnkitError(`top-k must be a whole number ≥ 0, got ${o.topK}`);
}

/**
 * Draws a character id from logits on the host: softmax(logits / temperature) restricted to the
 * `topK` largest logits, one uniform draw from `rng`. Temperature 0 is greedy (argmax, no draw).
 */
export function sampleFromLogits(logits: ArrayLike<number>, o: SamplingOptions, rng: Rng): number {
  const t = o.temperature ?? 1;
  if (t === 0) return argmax(logits);
  const n = logits.length;
  const k = o.topK && o.topK < n ? o.topK : n;
  let allowed: number[];
  if (k < n) {
    allowed = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => logits[b] - logits[a] || a - b)
      .slice(0, k);
  } else allowed = Array.from({ length: n }, (_, i) => i);
  let max = Number.NEGATIVE_INFINITY;
  for (const i of allowed) max = Math.max(max, logits[i]);
  const weights = allowed.map((i) => Math.exp((logits[i] - max) / t));
  let total = 0;
  for (const w of weights) total += w;
  let u = rng.random() * total;
  for (let j = 0; j < allowed.length; j++) {
    u -= weights[j];
    if (u < 0) return allowed[j];
  }
  return allowed[argmax(weights)];
}

export interface GenerateOptions extends SamplingOptions {
  /** Characters to generate after the prime. */
  length: number;
  /** Text the model reads first (its state carries on from it); default a newline or the first character. */
  prime?: string;
  rng: Rng;
  /** Called with each generated character as soon as it is drawn. */
  onChar?: (ch: string) => void;
}

/** Characters drawn per graph call when the draws run inside the loop. */
const LOOP_CHUNK = 100;

/**
 * Plain temperature sampling on a compiling backend draws inside the loop, a chunk of characters
 * per graph call; greedy (temperature 0) and top-k draw on the host one character at a time. A
 * top-k of the whole vocabulary (`n` characters) or more is plain sampling, so it draws as that.
 */
function drawsInLoop(o: SamplingOptions, n: number): boolean {
  const topK = o.topK && o.topK < n;
  return (o.temperature ?? 1) > 0 && !topK && getBackend().compile !== undefined;
}

/**
 * Generates text one character at a time, carrying the recurrent state from each step to the next
 * (the prime is read once; no window is ever fed again) with the model's `stepper()`. Returns the generated characters, without
 * the prime. Characters of the prime the vocabulary lacks throw an `UnknownCharacterError`. The
 * logits are read back with await (reads are asynchronous by contract).
 */
export async function generate(
  model: CharLM,
  vocab: Vocabulary,
  o: GenerateOptions,
): Promise<string> {
  checkSampling(o);
  if (!(Number.isInteger(o.length) && o.length >= 0))
    throw new RnnkitError(`length must be a whole number ≥ 0, got ${o.length}`);
  const prime = o.prime ?? (vocab.has('\n') ? '\n' : vocab.chars[0]);
  if (prime.length === 0)
    throw new RnnkitError('the prime text is empty; leave --prime out instead');
  const primeIds = vocab.encode(prime, { context: `the prime text ${JSON.stringify(prime)}` });
  const wasTraining = model.training;
  model.eval();
  // The stepper prepares the weights once, then advances one character per call, carrying the state.
  const stepper = model.stepper();
  let out = '';
  try {
    // Read the prime in one pass: the logits of its last character give the first draw.
    let logits = await readLogits(
      tidy(() =>
        noGrad(() => {
          const f = model.forward(tensor(primeIds, [1, primeIds.length], 'int32'));
          stepper.reset(f.state);
          const last = primeIds.length - 1;
          return reshape(slice(f.logits, [0, last, 0], [1, 1, vocab.size]), [vocab.size]);
        }),
      ),
    );
    if (o.length > 0 && drawsInLoop(o, vocab.size)) {
      // A compiling backend (onnx) draws whole chunks inside one graph call (CharLMStepper.sample)
      let id = sampleFromLogits(logits, o, o.rng);
      const emit = (k: number) => {
        out += vocab.chars[k];
        o.onChar?.(vocab.chars[k]);
      };
      emit(id);
      for (let left = o.length - 1; left > 0; ) {
        const n = Math.min(LOOP_CHUNK, left);
        const ids = await stepper.sample(Int32Array.of(id), n, {
          rng: o.rng,
          temperature: o.temperature,
        });
        for (const k of ids) emit(k);
        id = ids[n - 1];
        left -= n;
      }
      return out;
    }
    for (let i = 0; i < o.length; i++) {
      const id = sampleFromLogits(logits, o, o.rng);
      const ch = vocab.chars[id];
      out += ch;
      o.onChar?.(ch);
      if (i === o.length - 1) break;
      logits = await readLogits(tidy(() => stepper.step(tensor(Int32Array.of(id), [1], 'int32'))));
    }
  } finally {
    stepper.dispose();
    model.train(wasTraining);
  }
  return out;
}

/** The values of a logits tensor, read with await; the tensor is freed. */
async function readLogits(t: Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/** A notice when `--top-k` is more than the vocabulary: it is clamped to all characters. */
export function topKNotice(topK: number, vocabularySize: number): string | undefined {
  if (topK <= vocabularySize) return undefined;
  return `--top-k ${topK} is more than the ${vocabularySize} characters the model knows: drawing among all ${vocabularySize} (the same as --top-k 0)`;
}
