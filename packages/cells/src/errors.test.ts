import '@rnnkit/backend-js';
import { ShapeError, tensor, zeros } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { GRU } from './gru.js';
import { Dropout, Embedding, Linear } from './layers.js';
import { LSTM } from './lstm.js';
import { CharLM } from './models/char-lm.js';
import { makeLayer } from './models/make-layer.js';
import { SequenceRegressor } from './models/sequence-regressor.js';
import { RNN } from './rnn.js';
import { message } from './test-utils/error-message.js';

/** Mistakes users make get errors that name what was expected, what arrived, and the fix. */

describe('layer input shape', () => {
  const lstm = new LSTM({ inputSize: 4, hiddenSize: 3 });

  it('wrong feature size names expected and actual shapes and the fix', () => {
    expect(() => lstm.forward(zeros([2, 5, 3]))).toThrow(ShapeError);
    const m = message(() => lstm.forward(zeros([2, 5, 3])));
    expect(m).toContain('LSTM');
    expect(m).toContain('[batch, time, 4]');
    expect(m).toContain('[2, 5, 3]');
    expect(m).toContain('inputSize: 3');
  });

  it('a single unbatched sequence (rank 2) suggests adding the batch dimension', () => {
    const m = message(() => lstm.forward(zeros([5, 4])));
    expect(m).toContain('[batch, time, 4]');
    expect(m).toContain('got [5, 4]');
    expect(m).toContain('reshape(x, [1, 5, 4])');
  });

  it('time-major layers say so and put the batch dimension second', () => {
    const gru = new GRU({ inputSize: 4, hiddenSize: 3, batchFirst: false });
    const m = message(() => gru.forward(zeros([5, 4])));
    expect(m).toContain('GRU');
    expect(m).toContain('[time, batch, 4]');
    expect(m).toContain('reshape(x, [5, 1, 4])');
  });

  it('other ranks ask for a 3-D tensor', () => {
    const m = message(() => new RNN({ inputSize: 4, hiddenSize: 3 }).forward(zeros([1, 2, 5, 4])));
    expect(m).toContain('RNN');
    expect(m).toContain('got [1, 2, 5, 4]');
    expect(m).toContain('3-D');
  });
});

describe('initial state', () => {
  it('of the wrong shape names the expected shape, its parts and the received shapes', () => {
    const lstm = new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true });
    const x = zeros([5, 7, 2]);
    const m = message(() => lstm.forward(x, { h: zeros([2, 5, 3]), c: zeros([4, 5, 3]) }));
    expect(m).toContain('[4, 5, 3]'); // expected: 2 layers × 2 directions, batch 5, hidden 3
    expect(m).toContain('got h [2, 5, 3], c [4, 5, 3]');
    expect(m).toContain('2 layer(s) × 2 direction(s)');
    expect(m).toContain('or no state for zeros');
    expect(() => lstm.forward(x, { h: zeros([4, 5, 3]), c: zeros([4, 5, 3]) })).not.toThrow();
  });

  it('a batch mismatch is caught', () => {
    const gru = new GRU({ inputSize: 2, hiddenSize: 3 });
    const m = message(() => gru.forward(zeros([5, 7, 2]), { h: zeros([1, 4, 3]) }));
    expect(m).toContain('[1, 5, 3]');
    expect(m).toContain('got h [1, 4, 3]');
  });

  it('LSTM needs c; other cells refuse one', () => {
    const x = zeros([2, 3, 2]);
    expect(
      message(() => new LSTM({ inputSize: 2, hiddenSize: 3 }).forward(x, { h: zeros([1, 2, 3]) })),
    ).toMatch(/needs both h and c/);
    expect(
      message(() =>
        new GRU({ inputSize: 2, hiddenSize: 3 }).forward(x, {
          h: zeros([1, 2, 3]),
          c: zeros([1, 2, 3]),
        }),
      ),
    ).toMatch(/only LSTM has a cell state/);
  });

  it('lengths must fit the batch and the padded time', () => {
    const rnn = new RNN({ inputSize: 2, hiddenSize: 3 });
    const x = zeros([2, 4, 2]);
    expect(message(() => rnn.forward(x, undefined, { lengths: [4] }))).toMatch(
      /1 entries for a batch of 2/,
    );
    expect(message(() => rnn.forward(x, undefined, { lengths: [4, 5] }))).toMatch(
      /lengths\[1\] = 5.*\[1, 4\]/,
    );
    expect(message(() => rnn.forward(x, undefined, { lengths: [0, 2] }))).toMatch(
      /lengths\[0\] = 0/,
    );
  });
});

describe('cell input and state shapes', () => {
  it('wrong feature size and unbatched input', () => {
    const cell = new GRUCell({ inputSize: 4, hiddenSize: 3 });
    const m = message(() => cell.forward(zeros([2, 5])));
    expect(m).toContain('GRUCell');
    expect(m).toContain('[batch, 4]');
    expect(m).toContain('got [2, 5]');
    expect(message(() => cell.forward(zeros([4])))).toContain('reshape(x, [1, 4])');
  });

  it('state of the wrong shape, or an LSTM state without c', () => {
    const rnn = new RNNCell({ inputSize: 2, hiddenSize: 3 });
    const m = message(() => rnn.forward(zeros([4, 2]), zeros([4, 5])));
    expect(m).toContain('[4, 3]');
    expect(m).toContain('got [4, 5]');
    const lstm = new LSTMCell({ inputSize: 2, hiddenSize: 3 });
    expect(
      message(() => lstm.forward(zeros([4, 2]), { h: zeros([4, 3]), c: zeros([3, 3]) })),
    ).toMatch(/state c must be \[batch, hiddenSize\] = \[4, 3\], got \[3, 3\]/);
    expect(message(() => lstm.forward(zeros([4, 2]), { h: zeros([4, 3]) } as never))).toMatch(
      /needs both h and c/,
    );
  });
});

describe('unknown or invalid option values', () => {
  const base = { inputSize: 2, hiddenSize: 3 };

  it('nonlinearity', () => {
    const m = message(() => new RNN({ ...base, nonlinearity: 'sigmoid' as never }));
    expect(m).toContain("unknown nonlinearity 'sigmoid'");
    expect(m).toContain("'tanh', 'relu', 'linear'");
    expect(message(() => new RNNCell({ ...base, nonlinearity: 'gelu' as never }))).toContain(
      "RNNCell: unknown nonlinearity 'gelu'",
    );
  });

  it.each([
    ['inputSize', { inputSize: 0 }, /RNN: inputSize must be a positive integer, got 0/],
    ['hiddenSize', { hiddenSize: 2.5 }, /RNN: hiddenSize must be a positive integer, got 2.5/],
    ['numLayers', { numLayers: 0 }, /numLayers must be a positive integer, got 0/],
    ['dropout', { dropout: 1.5 }, /dropout must be a probability in \[0, 1\), got 1.5/],
    ['bidirectional', { bidirectional: 'yes' }, /bidirectional must be true or false, got 'yes'/],
    ['batchFirst', { batchFirst: 1 }, /batchFirst must be true or false, got 1/],
    ['bias', { bias: 'false' }, /bias must be true or false, got 'false'/],
  ])('%s', (_, o, re) => {
    expect(message(() => new RNN({ ...base, ...(o as object) }))).toMatch(re);
  });

  it('GRU resetAfter, LSTM peephole and forgetBias', () => {
    expect(message(() => new GRU({ ...base, resetAfter: 'after' as never }))).toMatch(
      /GRU: resetAfter must be true or false, got 'after'/,
    );
    expect(message(() => new LSTM({ ...base, peephole: 1 as never }))).toMatch(
      /LSTM: peephole must be true or false, got 1/,
    );
    expect(message(() => new LSTM({ ...base, forgetBias: Number.NaN }))).toMatch(
      /forgetBias must be a finite number, got NaN/,
    );
  });

  it('cells, Linear, Embedding, Dropout', () => {
    expect(message(() => new LSTMCell({ inputSize: -1, hiddenSize: 3 }))).toMatch(
      /LSTMCell: inputSize must be a positive integer, got -1/,
    );
    expect(message(() => new Linear({ inFeatures: 2, outFeatures: 0 }))).toMatch(/outFeatures/);
    expect(message(() => new Embedding({ numEmbeddings: 0, embeddingDim: 2 }))).toMatch(
      /numEmbeddings/,
    );
    expect(message(() => new Dropout(2))).toMatch(/dropout must be a probability/);
    const lin = new Linear({ inFeatures: 3, outFeatures: 2 });
    const m = message(() => lin.forward(zeros([4, 5])));
    expect(m).toContain('[..., 3]');
    expect(m).toContain('got [4, 5]');
  });

  it('models: unknown cell, head, bidirectional language model', () => {
    expect(message(() => makeLayer({ ...base, cell: 'transformer' as never }))).toMatch(
      /unknown cell 'transformer'; choose one of rnn, lstm, lstm-peephole, gru/,
    );
    expect(
      message(
        () => new SequenceRegressor({ ...base, cell: 'gru', outputSize: 1, head: 'mean' as never }),
      ),
    ).toMatch(/unknown head 'mean'; choose 'last' or 'all'/);
    expect(
      message(() => new CharLM({ vocabSize: 5, hiddenSize: 4, cell: 'lstm', bidirectional: true })),
    ).toMatch(/cannot be bidirectional/);
    expect(message(() => new CharLM({ vocabSize: 0, hiddenSize: 4, cell: 'lstm' }))).toMatch(
      /vocabSize must be a positive integer/,
    );
  });

  it('CharLM tokens must be int32 [batch, time]', () => {
    const lm = new CharLM({ vocabSize: 5, hiddenSize: 4, cell: 'gru' });
    expect(message(() => lm.forward(tensor(Int32Array.from([1, 2, 3]), [3])))).toMatch(
      /tokens must be int32 \[batch, time\], got \[3\].*reshape\(tokens, \[1, time\]\)/,
    );
    expect(message(() => lm.forward(zeros([1, 3])))).toMatch(/int32/);
  });
});
