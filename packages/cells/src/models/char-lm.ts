import {
  checkOptions,
  compile,
  describeValue,
  Module,
  noGrad,
  type OptionKeys,
  RnnkitError,
  reshape,
  ShapeError,
  type Tensor,
  tidy,
} from '@rnnkit/core';
import { Dropout, Embedding, Linear } from '../layers.js';
import { checkPositiveInt } from '../options.js';
import type { LayerState, RecurrentLayer } from '../recurrent.js';
import { LayerStepper } from '../stepper.js';
import { type SampleOptions, sampleLoop } from './char-sample.js';
import { LAYER_CHOICE_KEYS, type LayerChoice, makeLayer } from './make-layer.js';

export interface CharLMOptions
  extends Omit<LayerChoice, 'inputSize' | 'returnSequences' | 'batchFirst'> {
  vocabSize: number;
  /** Embedding width (default: hiddenSize). */
  embeddingDim?: number;
}

const { inputSize: _i, returnSequences: _r, batchFirst: _b, ...layerKeys } = LAYER_CHOICE_KEYS;
const KEYS: OptionKeys<CharLMOptions> = {
  ...layerKeys,
  vocabSize: 'required',
  embeddingDim: 'optional',
};

/**
 * Character language model (char-rnn): Embedding → recurrent stack → Linear to vocabulary logits.
 * `forward` scores whole sequences; `step` advances one character carrying the state, for sampling.
 */
export class CharLM extends Module {
  readonly embedding: Embedding;
  readonly rnn: RecurrentLayer;
  readonly drop: Dropout;
  readonly head: Linear;

  constructor(readonly options: CharLMOptions) {
    super();
    checkOptions('CharLM', options, KEYS);
    checkPositiveInt('CharLM', 'vocabSize', options.vocabSize);
    if (options.embeddingDim !== undefined)
      checkPositiveInt('CharLM', 'embeddingDim', options.embeddingDim);
    if (options.bidirectional)
      throw new RnnkitError(
        'CharLM: a language model cannot be bidirectional (the backward pass would see the characters it predicts); use bidirectional: false',
      );
    const E = options.embeddingDim ?? options.hiddenSize;
    const io = { rng: options.rng, backend: options.backend };
    this.embedding = new Embedding({ numEmbeddings: options.vocabSize, embeddingDim: E, ...io });
    this.rnn = makeLayer({ ...options, inputSize: E, batchFirst: true, returnSequences: true });
    this.drop = new Dropout(options.dropout ?? 0, options.rng);
    this.head = new Linear({
      inFeatures: options.hiddenSize,
      outFeatures: options.vocabSize,
      ...io,
    });
  }

  get vocabSize(): number {
    return this.options.vocabSize;
  }

  /** tokens int32 [batch, time] → logits [batch, time, vocab] and the final state. */
  forward(tokens: Tensor, state?: LayerState): { logits: Tensor; state: LayerState } {
    if (tokens.rank !== 2)
      throw new ShapeError(
        `CharLM: tokens must be int32 [batch, time], got [${tokens.shape.join(', ')}]${tokens.rank === 1 ? '; for one sequence use reshape(tokens, [1, time]), for one step per sequence use step()' : ''}`,
      );
    // Same numbers as rnn.forward(embedding.forward(tokens)); projects the embedding table
    // instead of every position when the vocabulary is the smaller of the two.
    const { output, state: next } = this.rnn.forwardEmbedded(this.embedding.weight, tokens, state);
    return { logits: this.head.forward(this.drop.forward(output)), state: next };
  }

  /** One character per sequence: tokens int32 [batch] → logits [batch, vocab] and the new state. */
  step(tokens: Tensor, state?: LayerState): { logits: Tensor; state: LayerState } {
    const { logits, state: next } = this.forward(reshape(tokens, [tokens.size, 1]), state);
    return { logits: reshape(logits, [tokens.size, this.vocabSize]), state: next };
  }

  /**
   * A stepper for sampling: each `step(tokens)` advances one character per sequence, carrying
   * the state, and returns logits [batch, vocab]. The weights are prepared once (the embedding
   * and layer 0's input projection become one lookup table), so a step costs only the recurrent
   * and output products. Inference only (no dropout, no gradients); make a new one after
   * training further. Call `dispose()` when done.
   */
  stepper(): CharLMStepper {
    return new CharLMStepper(this);
  }
}

/** See `CharLM.stepper()`. */
export class CharLMStepper {
  readonly #layers: LayerStepper;
  readonly #head: Linear;
  readonly #vocab: number;

  constructor(lm: CharLM) {
    if (!(lm instanceof CharLM))
      throw new RnnkitError(
        `CharLMStepper: expected a CharLM (or call model.stepper()), got ${describeValue(lm)}`,
      );
    this.#layers = new LayerStepper(lm.rnn, lm.embedding.weight);
    this.#head = lm.head;
    this.#vocab = lm.vocabSize;
  }

  /** int32 token ids [batch] → logits [batch, vocab] (owned by the caller). */
  step(tokens: Tensor): Tensor {
    if (tokens.dtype !== 'int32' || tokens.rank !== 1)
      throw new ShapeError(
        `CharLMStepper.step: tokens must be int32 [batch], got ${tokens.dtype} [${tokens.shape.join(', ')}]`,
      );
    this.#layers.advance(tokens);
    const h = this.#layers.top!;
    return tidy(() => noGrad(() => this.#head.forward(h)));
  }

  /**
   * Samples `n` characters per sequence after `start` (token ids, one per sequence), carrying
   * and advancing the state, with the draws inside one loop (see `sampleLoop`): on the onnx
   * backend the n steps run as one graph call. Resolves to the ids time-major ([n][B] flattened),
   * read back asynchronously (reads are asynchronous by contract).
   */
  async sample(start: Int32Array, n: number, options: SampleOptions): Promise<Int32Array> {
    // the ids are read after the compiled call: a read inside it would end the graph there, and
    // every tensor alive at that point (the noise of all the draws) would become an output
    const { ids, states } = compile(() =>
      tidy(() =>
        noGrad(() => {
          const r = sampleLoop(this.#layers, this.#head, this.#vocab, start, n, options);
          return { ids: r.ids, states: r.states };
        }),
      ),
    )();
    this.#layers.adopt(states);
    try {
      return Int32Array.from(await ids.data());
    } finally {
      ids.dispose();
    }
  }

  /** The carried state ([numLayers, batch, hidden]), or null before the first step. */
  get state(): LayerState | null {
    return this.#layers.state;
  }

  /** Starts again from zeros, or from a given state. */
  reset(state?: LayerState): void {
    this.#layers.reset(state);
  }

  dispose(): void {
    this.#layers.dispose();
  }
}
