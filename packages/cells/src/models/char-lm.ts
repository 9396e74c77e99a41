import { Module, RnnkitError, reshape, ShapeError, type Tensor } from '@rnnkit/core';
import { Dropout, Embedding, Linear } from '../layers.js';
import { checkPositiveInt } from '../options.js';
import type { LayerState, RecurrentLayer } from '../recurrent.js';
import { type LayerChoice, makeLayer } from './make-layer.js';

export interface CharLMOptions
  extends Omit<LayerChoice, 'inputSize' | 'returnSequences' | 'batchFirst'> {
  vocabSize: number;
  /** Embedding width (default: hiddenSize). */
  embeddingDim?: number;
}

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
}
