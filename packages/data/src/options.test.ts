import '@rnnkit/backend-js';
import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { sineSeries } from './sine.js';
import { splitWindows } from './split.js';
import { CharStreamDataset, charTextData } from './text/streams.js';
import { WindowDataset } from './window-dataset.js';

/** The datasets that take an options object check it as the models do (core's checkOptions). */

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RnnkitError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const { y } = sineSeries({ length: 64, frequency: 1 / 16 });
const windows = splitWindows(y, { window: 8, validationFraction: 0.25 }).train;
const ids = Int32Array.from({ length: 200 }, (_, i) => i % 7);
const text = 'abcdefgh '.repeat(40);

describe('dataset options', () => {
  it.each([
    [
      'WindowDataset',
      'batch_size',
      'batchSize',
      () => new WindowDataset(windows, { batch_size: 4 } as never),
    ],
    [
      'WindowDataset',
      'drop_last',
      'dropLast',
      () => new WindowDataset(windows, { batchSize: 4, drop_last: true } as never),
    ],
    [
      'CharStreamDataset',
      'seq_length',
      'seqLength',
      () => new CharStreamDataset(ids, { batchSize: 2, seq_length: 8 } as never),
    ],
    [
      'charTextData',
      'validation_fraction',
      'validationFraction',
      () => charTextData(text, { batchSize: 2, seqLength: 8, validation_fraction: 0.2 } as never),
    ],
    [
      'sineSeries',
      'angular_frequency',
      'angularFrequency',
      () => sineSeries({ length: 10, angular_frequency: 1 } as never),
    ],
  ])('%s names %s and suggests %s', (name, wrong, meant, make) => {
    expect(message(make)).toContain(
      `${name}: unknown option '${wrong}' (did you mean '${meant}'?)`,
    );
  });

  it('a missing options object says what is required', () => {
    expect(message(() => new WindowDataset(windows, undefined as never))).toBe(
      'WindowDataset: expected an options object { batchSize, … }, got undefined',
    );
    expect(message(() => new CharStreamDataset(ids, 8 as never))).toBe(
      'CharStreamDataset: expected an options object { batchSize, seqLength, … }, got number 8',
    );
    expect(message(() => new WindowDataset(undefined as never, { batchSize: 4 }))).toContain(
      'WindowDataset: expected the windows { inputs, targets, count } (slidingWindows or splitWindows), got undefined',
    );
  });

  it('the documented options still build', () => {
    expect(
      new WindowDataset(windows, { batchSize: 4, dropLast: true }).numBatches(),
    ).toBeGreaterThan(0);
    expect(
      charTextData(text, {
        batchSize: 2,
        seqLength: 8,
        validationFraction: 0.2,
      }).train.numBatches(),
    ).toBeGreaterThan(0);
  });
});
