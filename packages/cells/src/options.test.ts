import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { GRU } from './gru.js';
import { Dropout, Embedding, Linear } from './layers.js';
import { LSTM } from './lstm.js';
import { CharLM, CharLMStepper } from './models/char-lm.js';
import { SequenceRegressor } from './models/sequence-regressor.js';
import { RNN } from './rnn.js';
import { LayerStepper } from './stepper.js';
import { message } from './test-utils/error-message.js';

/**
 * Every public constructor of @rnnkit/cells checks its options object: a missing or non-object
 * argument says what was expected, and a PyTorch (snake_case) spelling names the camelCase key
 * instead of being ignored and failing later as "inputSize must be a positive integer".
 */
type Make = (o: unknown) => unknown;
const constructors: [string, Make, Record<string, unknown>][] = [
  ['RNN', (o) => new RNN(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['LSTM', (o) => new LSTM(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['GRU', (o) => new GRU(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['RNNCell', (o) => new RNNCell(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['LSTMCell', (o) => new LSTMCell(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['GRUCell', (o) => new GRUCell(o as never), { inputSize: 3, hiddenSize: 8 }],
  ['Linear', (o) => new Linear(o as never), { inFeatures: 3, outFeatures: 2 }],
  ['Embedding', (o) => new Embedding(o as never), { numEmbeddings: 5, embeddingDim: 4 }],
  [
    'SequenceRegressor',
    (o) => new SequenceRegressor(o as never),
    { inputSize: 1, cell: 'lstm', hiddenSize: 4, outputSize: 1 },
  ],
  ['CharLM', (o) => new CharLM(o as never), { vocabSize: 5, cell: 'gru', hiddenSize: 4 }],
];

describe.each(constructors)('new %s(options)', (name, make, good) => {
  it('builds from the documented options', () => {
    expect(() => make(good)).not.toThrow();
  });

  it.each([undefined, null, 3, 'lstm'])('given %s says an options object is expected', (bad) => {
    expect(message(() => make(bad))).toMatch(
      new RegExp(`^${name}: expected an options object \\{ [a-zA-Z, …]+ \\}, got `),
    );
  });

  it('names an unknown key with the camelCase name meant', () => {
    const [first, ...rest] = Object.entries(good);
    const snake = first[0].replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const m = message(() => make({ [snake]: first[1], ...Object.fromEntries(rest) }));
    expect(m).toContain(`${name}: unknown option '${snake}' (did you mean '${first[0]}'?)`);
  });
});

describe('PyTorch spellings', () => {
  // Each row: the constructor, what a PyTorch user writes, the rnnkit name suggested.
  const table: [string, Make, Record<string, unknown>, string, string][] = [
    [
      'LSTM',
      (o) => new LSTM(o as never),
      { input_size: 3, hiddenSize: 8 },
      'input_size',
      'inputSize',
    ],
    [
      'LSTM',
      (o) => new LSTM(o as never),
      { inputSize: 3, hidden_size: 8 },
      'hidden_size',
      'hiddenSize',
    ],
    [
      'GRU',
      (o) => new GRU(o as never),
      { inputSize: 3, hiddenSize: 8, num_layers: 2 },
      'num_layers',
      'numLayers',
    ],
    [
      'RNN',
      (o) => new RNN(o as never),
      { inputSize: 3, hiddenSize: 8, batch_first: true },
      'batch_first',
      'batchFirst',
    ],
    [
      'RNN',
      (o) => new RNN(o as never),
      { inputSize: 3, hiddenSize: 8, Bidirectional: true },
      'Bidirectional',
      'bidirectional',
    ],
    [
      'LSTM',
      (o) => new LSTM(o as never),
      { inputSize: 3, hiddenSize: 8, return_sequences: false },
      'return_sequences',
      'returnSequences',
    ],
    [
      'GRU',
      (o) => new GRU(o as never),
      { inputSize: 3, hiddenSize: 8, reset_after: false },
      'reset_after',
      'resetAfter',
    ],
    [
      'LSTM',
      (o) => new LSTM(o as never),
      { inputSize: 3, hiddenSize: 8, forget_bias: 1 },
      'forget_bias',
      'forgetBias',
    ],
    [
      'LSTMCell',
      (o) => new LSTMCell(o as never),
      { input_size: 3, hiddenSize: 8 },
      'input_size',
      'inputSize',
    ],
    [
      'Linear',
      (o) => new Linear(o as never),
      { in_features: 3, outFeatures: 2 },
      'in_features',
      'inFeatures',
    ],
    [
      'Linear',
      (o) => new Linear(o as never),
      { inFeatures: 3, out_features: 2 },
      'out_features',
      'outFeatures',
    ],
    [
      'Embedding',
      (o) => new Embedding(o as never),
      { num_embeddings: 5, embeddingDim: 4 },
      'num_embeddings',
      'numEmbeddings',
    ],
    [
      'Embedding',
      (o) => new Embedding(o as never),
      { numEmbeddings: 5, embedding_dim: 4 },
      'embedding_dim',
      'embeddingDim',
    ],
    [
      'CharLM',
      (o) => new CharLM(o as never),
      { cell: 'gru', vocab_size: 5, hiddenSize: 4 },
      'vocab_size',
      'vocabSize',
    ],
    [
      'SequenceRegressor',
      (o) => new SequenceRegressor(o as never),
      { cell: 'rnn', inputSize: 1, hiddenSize: 4, output_size: 1 },
      'output_size',
      'outputSize',
    ],
    [
      'LSTM',
      (o) => new LSTM(o as never),
      { inputSize: 3, hidenSize: 8 },
      'hidenSize',
      'hiddenSize',
    ],
  ];
  it.each(table)('%s with %o suggests the camelCase name', (name, make, o, wrong, meant) => {
    expect(message(() => make(o))).toContain(
      `${name}: unknown option '${wrong}' (did you mean '${meant}'?)`,
    );
  });

  it('the issue example: new LSTM({ input_size: 3, hidden_size: 8 })', () => {
    expect(message(() => new LSTM({ input_size: 3, hidden_size: 8 } as never))).toBe(
      "LSTM: unknown options 'input_size' (did you mean 'inputSize'?), 'hidden_size' (did you mean 'hiddenSize'?); LSTM accepts inputSize, hiddenSize, numLayers, bias, dropout, bidirectional, batchFirst, returnSequences, fused, rng, backend, peephole, forgetBias (camelCase names)",
    );
  });

  it('a key PyTorch has and rnnkit does not is named, with what is accepted', () => {
    const m = message(() => new LSTM({ inputSize: 3, hiddenSize: 8, proj_size: 2 } as never));
    expect(m).toMatch(/^LSTM: unknown option 'proj_size'; LSTM accepts inputSize, /);
  });
});

describe('Dropout', () => {
  it('takes p itself; an options object (PyTorch keyword style) is named', () => {
    expect(message(() => new Dropout({ p: 0.5 } as never))).toBe(
      'Dropout: p must be a probability in [0, 1) passed as a number (new Dropout(0.5)), got an object (Object)',
    );
    expect(message(() => new Dropout(undefined as never))).toContain('got undefined');
    expect(new Dropout(0.5).p).toBe(0.5);
  });
});

describe('steppers', () => {
  it('name what they step when given something else', () => {
    expect(message(() => new LayerStepper(undefined as never))).toBe(
      'LayerStepper: expected an RNN, LSTM or GRU layer, got undefined',
    );
    expect(message(() => new CharLMStepper({ vocabSize: 5 } as never))).toBe(
      'CharLMStepper: expected a CharLM (or call model.stepper()), got an object (Object)',
    );
  });
});
