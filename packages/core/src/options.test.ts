import { describe, expect, it } from 'vitest';
import { RnnkitError } from './errors.js';
import { checkOptions, type OptionKeys, suggestKey } from './options.js';

interface LayerLike {
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  batchFirst?: boolean;
}
const KEYS: OptionKeys<LayerLike> = {
  inputSize: 'required',
  hiddenSize: 'required',
  numLayers: 'optional',
  batchFirst: 'optional',
};

describe('checkOptions', () => {
  it('accepts the listed keys, and unknown keys whose value is undefined', () => {
    expect(() => checkOptions('LSTM', { inputSize: 3, hiddenSize: 8 }, KEYS)).not.toThrow();
    expect(() =>
      checkOptions('LSTM', { inputSize: 3, hiddenSize: 8, dropout: undefined }, KEYS),
    ).not.toThrow();
  });

  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [3, 'number 3'],
    ['lstm', "the string 'lstm'"],
    [[3, 8], 'an array of length 2'],
  ])('says an options object is expected when given %s', (given, shown) => {
    expect(() => checkOptions('LSTM', given, KEYS)).toThrow(RnnkitError);
    expect(() => checkOptions('LSTM', given, KEYS)).toThrow(
      `LSTM: expected an options object { inputSize, hiddenSize, … }, got ${shown}`,
    );
  });

  it('names every unknown key, the camelCase name meant and what is accepted', () => {
    expect(() => checkOptions('LSTM', { input_size: 3, hidden_size: 8 }, KEYS)).toThrow(
      "LSTM: unknown options 'input_size' (did you mean 'inputSize'?), 'hidden_size' (did you mean 'hiddenSize'?); LSTM accepts inputSize, hiddenSize, numLayers, batchFirst (camelCase names)",
    );
    expect(() => checkOptions('LSTM', { inputSize: 3, hiddenSize: 8, proj_size: 2 }, KEYS)).toThrow(
      "LSTM: unknown option 'proj_size'; LSTM accepts",
    );
  });
});

describe('suggestKey', () => {
  const accepted = ['inputSize', 'hiddenSize', 'numLayers', 'batchFirst', 'weightDecay', 'lr'];
  it.each([
    ['input_size', 'inputSize'],
    ['InputSize', 'inputSize'],
    ['inputsize', 'inputSize'],
    ['hiden_size', 'hiddenSize'],
    ['hiddenSise', 'hiddenSize'],
    ['num_layer', 'numLayers'],
    ['batch_first', 'batchFirst'],
    ['weight_decay', 'weightDecay'],
    ['LR', 'lr'],
  ])('%s → %s', (wrong, meant) => {
    expect(suggestKey(wrong, accepted)).toBe(meant);
  });

  it('suggests nothing for a name unlike any accepted one', () => {
    expect(suggestKey('proj_size', accepted)).toBeUndefined();
    expect(suggestKey('x', accepted)).toBeUndefined();
  });
});
