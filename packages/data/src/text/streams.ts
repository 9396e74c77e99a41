import { checkOptions, type OptionKeys, RnnkitError, type Tensor, tensor } from '@rnnkit/core';
import type { Dataset } from '../dataset.js';
import { assertEpoch } from '../order.js';
import type { TextCorpus } from './corpus.js';
import { Vocabulary, type VocabularyOptions } from './vocabulary.js';

/** Next-character batch: `x` and `y` are int32 `[batchSize, seqLength]`, `y` is `x` one character on. */
export interface TokenBatch {
  x: Tensor;
  y: Tensor;
}

export interface StreamOptions {
  /** Parallel streams = rows of every batch. */
  batchSize: number;
  /** Characters per row of a batch (the truncated-BPTT length). */
  seqLength: number;
}

/** How a token sequence of `length` ids is cut into streams and chunks. */
export interface StreamLayout {
  batchSize: number;
  seqLength: number;
  /** Characters in each stream; stream `b` is `ids[b·streamLength, (b+1)·streamLength)`. */
  streamLength: number;
  /** Chunks (batches) per pass: `floor(streamLength / seqLength)`. */
  numBatches: number;
  /** Input characters a pass reads: `numBatches · batchSize · seqLength`. */
  charsPerPass: number;
}

const STREAM_KEYS: OptionKeys<StreamOptions> = { batchSize: 'required', seqLength: 'required' };
/** A dataset's `layout` may be passed back as options (same streams on other ids); its derived fields are recomputed. */
const LAYOUT_KEYS: Record<keyof StreamLayout, 'required' | 'optional'> = {
  ...STREAM_KEYS,
  streamLength: 'optional',
  numBatches: 'optional',
  charsPerPass: 'optional',
};

function positiveInt(fn: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1)
    throw new RnnkitError(`${fn}: ${name} must be a positive integer, got ${v}`);
}

/**
 * The char-rnn layout: the ids are cut into `batchSize` contiguous streams of
 * `streamLength = floor((length - 1) / batchSize)` characters (one character is kept back as the
 * last target), read in chunks of `seqLength`. Needs `length ≥ batchSize · seqLength + 1`.
 */
export function streamLayout(length: number, options: StreamOptions): StreamLayout {
  const { batchSize, seqLength } = options;
  positiveInt('streamLayout', 'batchSize', batchSize);
  positiveInt('streamLayout', 'seqLength', seqLength);
  const streamLength = Math.floor((length - 1) / batchSize);
  const numBatches = Math.floor(Math.max(0, streamLength) / seqLength);
  if (numBatches < 1) {
    throw new RnnkitError(
      `streamBatches: ${length} characters are too few for one batch of ${batchSize} streams × ${seqLength} characters (needs at least ${batchSize * seqLength + 1}); use a longer text or a smaller batch size or sequence length`,
    );
  }
  return {
    batchSize,
    seqLength,
    streamLength,
    numBatches,
    charsPerPass: numBatches * batchSize * seqLength,
  };
}

/**
 * Host arrays of chunk `k`: row `b` of `x` is `ids[b·L + k·T, b·L + (k+1)·T)` and `y` is the same
 * window one character later. So row `b` of chunk `k + 1` continues row `b` of chunk `k`: the
 * state a recurrent network ends chunk `k` with is the right start for chunk `k + 1`.
 */
export function streamChunk(
  ids: Int32Array,
  layout: StreamLayout,
  k: number,
): { x: Int32Array; y: Int32Array } {
  const { batchSize: B, seqLength: T, streamLength: L, numBatches } = layout;
  if (!Number.isInteger(k) || k < 0 || k >= numBatches)
    throw new RnnkitError(`streamChunk: chunk ${k} is outside 0..${numBatches - 1}`);
  const x = new Int32Array(B * T);
  const y = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const from = b * L + k * T;
    x.set(ids.subarray(from, from + T), b * T);
    y.set(ids.subarray(from + 1, from + T + 1), b * T);
  }
  return { x, y };
}

/**
 * Character ids as a `Dataset` of contiguous streams (char-rnn batching, for truncated BPTT with
 * `tbptt: true`): every epoch yields the same `numBatches()` chunks in order, each an int32
 * `x`/`y` pair of `[batchSize, seqLength]`, row `b` of each batch continuing row `b` of the one
 * before. The ids are kept by reference; tensors are made one batch at a time.
 */
export class CharStreamDataset implements Dataset<TokenBatch> {
  readonly layout: StreamLayout;
  readonly ids: Int32Array;

  constructor(ids: Int32Array, options: StreamOptions) {
    checkOptions('CharStreamDataset', options, LAYOUT_KEYS);
    if (!(ids instanceof Int32Array))
      throw new RnnkitError('CharStreamDataset: ids must be an Int32Array (Vocabulary.encode)');
    this.ids = ids;
    this.layout = streamLayout(ids.length, options);
  }

  get batchSize(): number {
    return this.layout.batchSize;
  }

  get seqLength(): number {
    return this.layout.seqLength;
  }

  /** Sequences per epoch: `numBatches · batchSize`. */
  get size(): number {
    return this.layout.numBatches * this.layout.batchSize;
  }

  numBatches(): number {
    return this.layout.numBatches;
  }

  /** Host arrays of chunk `k` (what `batches` turns into tensors). */
  chunk(k: number): { x: Int32Array; y: Int32Array } {
    return streamChunk(this.ids, this.layout, k);
  }

  batches(epoch: number): Iterable<TokenBatch> {
    assertEpoch(epoch);
    const { batchSize: B, seqLength: T, numBatches } = this.layout;
    const chunk = (k: number) => this.chunk(k);
    return {
      *[Symbol.iterator]() {
        for (let k = 0; k < numBatches; k++) {
          const { x, y } = chunk(k);
          yield { x: tensor(x, [B, T], 'int32'), y: tensor(y, [B, T], 'int32') };
        }
      },
    };
  }
}

/** `new CharStreamDataset(ids, options)`: char-rnn batches of contiguous streams. */
export function streamBatches(ids: Int32Array, options: StreamOptions): CharStreamDataset {
  return new CharStreamDataset(ids, options);
}

export interface TextSplit {
  train: Int32Array;
  validation: Int32Array;
  /** Position of the first validation character: train is `[0, splitIndex)`, validation the rest. */
  splitIndex: number;
}

/**
 * Splits ids by position: train first, the last `round(length · validationFraction)` characters
 * for validation. The parts are views that never overlap, and no training target lies in the
 * validation part (a stream's last target is its own last character).
 */
export function splitText(
  ids: Int32Array,
  options: { validationFraction?: number } = {},
): TextSplit {
  const f = options.validationFraction ?? 0.1;
  if (!(f > 0 && f < 1))
    throw new RnnkitError(`splitText: validationFraction must be in (0, 1), got ${f}`);
  const nVal = Math.round(ids.length * f);
  const splitIndex = ids.length - nVal;
  if (nVal < 2 || splitIndex < 2)
    throw new RnnkitError(
      `splitText: ${ids.length} characters split ${splitIndex}/${nVal} at validationFraction ${f}; each part needs at least 2 characters`,
    );
  return {
    train: ids.subarray(0, splitIndex),
    validation: ids.subarray(splitIndex),
    splitIndex,
  };
}

export interface CharTextOptions extends StreamOptions, VocabularyOptions {
  /** Fraction of the text, at its end, held out for validation (default 0.1). */
  validationFraction?: number;
  /** Use this vocabulary (e.g. a checkpoint's) instead of building one from the text. */
  vocabulary?: Vocabulary;
  /**
   * Rows of a validation batch (default: `batchSize`, fewer when the validation part is too short
   * for that many streams of one `seqLength` chunk each).
   */
  validationBatchSize?: number;
  /** Validate on at most this many characters (the start of the validation part); default all. */
  maxValidationChars?: number;
}

const CHAR_TEXT_KEYS: OptionKeys<CharTextOptions> = {
  ...STREAM_KEYS,
  unknown: 'optional',
  validationFraction: 'optional',
  vocabulary: 'optional',
  validationBatchSize: 'optional',
  maxValidationChars: 'optional',
};

/** A text ready for training: vocabulary, ids, and train/validation stream datasets. */
export interface CharTextData {
  vocabulary: Vocabulary;
  /** The whole text as ids (one per code point). */
  ids: Int32Array;
  splitIndex: number;
  train: CharStreamDataset;
  validation: CharStreamDataset;
}

/**
 * Everything a char-rnn needs from a text: the vocabulary (of the whole text unless given), the ids,
 * a position split (default 90/10) and contiguous-stream datasets for both parts.
 */
export function charTextData(corpus: TextCorpus | string, options: CharTextOptions): CharTextData {
  checkOptions('charTextData', options, CHAR_TEXT_KEYS);
  const text = typeof corpus === 'string' ? corpus : corpus.text;
  const name = typeof corpus === 'string' ? 'text' : `corpus '${corpus.name}'`;
  const vocabulary = options.vocabulary ?? Vocabulary.fromText(text, options);
  const ids = vocabulary.encode(text, { context: name });
  if (ids.length < 2)
    throw new RnnkitError(
      `${name} has ${ids.length} characters; a character model needs at least two`,
    );
  const split = splitText(ids, options);
  const { batchSize: B, seqLength: T } = options;
  positiveInt('charTextData', 'batchSize', B);
  positiveInt('charTextData', 'seqLength', T);
  if (split.train.length < B * T + 1)
    throw new RnnkitError(
      `${name}: its training part (${split.train.length} characters) is too short for one batch of ${B} streams × ${T} characters (needs ${B * T + 1}); use a longer text or a smaller batch size or sequence length`,
    );
  let validIds = split.validation;
  if (options.maxValidationChars !== undefined && validIds.length > options.maxValidationChars + 1)
    validIds = validIds.subarray(0, options.maxValidationChars + 1);
  const fit = Math.floor((validIds.length - 1) / T);
  if (fit < 1)
    throw new RnnkitError(
      `${name}: the validation part has ${validIds.length} characters, too few for one sequence of ${T} (needs ${T + 1}); use a longer text, a larger validationFraction or a shorter sequence length`,
    );
  const vb = options.validationBatchSize ?? Math.min(options.batchSize, fit);
  return {
    vocabulary,
    ids,
    splitIndex: split.splitIndex,
    train: new CharStreamDataset(split.train, { batchSize: B, seqLength: T }),
    validation: new CharStreamDataset(validIds, { batchSize: vb, seqLength: T }),
  };
}
