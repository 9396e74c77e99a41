import '@rnnkit/backend-js';
import { RnnkitError } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import {
  CharStreamDataset,
  charTextData,
  splitText,
  streamBatches,
  streamChunk,
  streamLayout,
} from './streams.js';

/** ids equal to their positions, so a batch shows which characters of the text it holds. */
const positions = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('streamLayout / streamChunk (char-rnn batching)', () => {
  it('cuts the text into batchSize contiguous streams read in seqLength chunks', () => {
    // 2 streams of floor((23 - 1) / 2) = 11 characters; 11 / 4 → 2 chunks
    const layout = streamLayout(23, { batchSize: 2, seqLength: 4 });
    expect(layout).toEqual({
      batchSize: 2,
      seqLength: 4,
      streamLength: 11,
      numBatches: 2,
      charsPerPass: 16,
    });
    const ids = positions(23);
    const c0 = streamChunk(ids, layout, 0);
    const c1 = streamChunk(ids, layout, 1);
    expect(Array.from(c0.x)).toEqual([0, 1, 2, 3, 11, 12, 13, 14]);
    expect(Array.from(c0.y)).toEqual([1, 2, 3, 4, 12, 13, 14, 15]);
    expect(Array.from(c1.x)).toEqual([4, 5, 6, 7, 15, 16, 17, 18]);
    expect(Array.from(c1.y)).toEqual([5, 6, 7, 8, 16, 17, 18, 19]);
  });

  it('lines up the carried state: row b of chunk k+1 continues row b of chunk k', () => {
    const B = 5;
    const T = 7;
    const ds = streamBatches(positions(1000), { batchSize: B, seqLength: T });
    const n = ds.numBatches();
    expect(n).toBe(Math.floor(Math.floor(999 / B) / T));
    const seen = new Set<number>();
    for (let k = 0; k < n; k++) {
      const { x, y } = ds.chunk(k);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const i = b * T + t;
          expect(y[i]).toBe(x[i] + 1); // the target is the next character of the text
          if (t + 1 < T) expect(x[i + 1]).toBe(x[i] + 1); // rows are contiguous
          expect(seen.has(x[i])).toBe(false); // no character is read twice in a pass
          seen.add(x[i]);
        }
        if (k + 1 < n) expect(ds.chunk(k + 1).x[b * T]).toBe(x[b * T + T - 1] + 1);
      }
    }
    expect(seen.size).toBe(n * B * T);
  });

  it('yields int32 tensors [batchSize, seqLength], the same every epoch', () => {
    const ds = new CharStreamDataset(positions(200), { batchSize: 3, seqLength: 5 });
    expect(ds.size).toBe(ds.numBatches() * 3);
    const read = (epoch: number) =>
      [...ds.batches(epoch)].map(({ x, y }) => {
        expect(x.shape).toEqual([3, 5]);
        expect(x.dtype).toBe('int32');
        expect(y.dtype).toBe('int32');
        const out = [Array.from(x.dataSync()), Array.from(y.dataSync())];
        x.dispose();
        y.dispose();
        return out;
      });
    const e0 = read(0);
    expect(e0).toHaveLength(ds.numBatches());
    expect(e0[0][0]).toEqual(Array.from(ds.chunk(0).x));
    expect(read(3)).toEqual(e0);
    expect(() => ds.batches(-1)).toThrow('epoch must be a non-negative integer');
  });

  it('says how much text one batch needs', () => {
    expect(() => streamLayout(64, { batchSize: 4, seqLength: 16 })).toThrow(
      '64 characters are too few for one batch of 4 streams × 16 characters (needs at least 65)',
    );
    expect(streamLayout(65, { batchSize: 4, seqLength: 16 }).numBatches).toBe(1);
    expect(() => streamLayout(100, { batchSize: 0, seqLength: 4 })).toThrow(RnnkitError);
    expect(() => streamLayout(100, { batchSize: 2, seqLength: 1.5 })).toThrow(
      'seqLength must be a positive integer',
    );
  });
});

describe('splitText', () => {
  it('splits by position, 90/10 by default, never overlapping', () => {
    const ids = positions(1000);
    const { train, validation, splitIndex } = splitText(ids);
    expect(splitIndex).toBe(900);
    expect(train.length + validation.length).toBe(1000);
    expect(train[train.length - 1]).toBe(899);
    expect(validation[0]).toBe(900);
    expect(splitText(ids, { validationFraction: 0.25 }).splitIndex).toBe(750);
    expect(() => splitText(ids, { validationFraction: 1 })).toThrow('must be in (0, 1)');
    expect(() => splitText(positions(3), { validationFraction: 0.1 })).toThrow(
      'each part needs at least 2 characters',
    );
  });

  it('keeps every training input and target before every validation character', () => {
    const data = charTextData('abcdefghij'.repeat(100), { batchSize: 4, seqLength: 8 });
    // Re-encode positions instead of letters to see where each batch reads from.
    const split = splitText(positions(data.ids.length));
    const train = streamBatches(split.train, { batchSize: 4, seqLength: 8 });
    const valid = streamBatches(split.validation, data.validation.layout);
    let maxTrain = -1;
    for (let k = 0; k < train.numBatches(); k++) {
      const { x, y } = train.chunk(k);
      maxTrain = Math.max(maxTrain, ...x, ...y);
    }
    let minValid = Number.POSITIVE_INFINITY;
    for (let k = 0; k < valid.numBatches(); k++) {
      const { x, y } = valid.chunk(k);
      minValid = Math.min(minValid, ...x, ...y);
    }
    expect(data.splitIndex).toBe(900);
    expect(maxTrain).toBeLessThan(data.splitIndex);
    expect(minValid).toBeGreaterThanOrEqual(data.splitIndex);
  });
});

describe('charTextData', () => {
  it('builds the vocabulary, ids and both stream datasets', () => {
    const text = 'to be or not to be, that is the question. '.repeat(40);
    const d = charTextData(text, { batchSize: 4, seqLength: 16 });
    expect(d.vocabulary.decode(d.ids)).toBe(text);
    expect(d.train.batchSize).toBe(4);
    expect(d.train.ids.length).toBe(d.splitIndex);
    expect(d.validation.ids[0]).toBe(d.ids[d.splitIndex]);
    // validation is 168 characters: 4 streams of 41 → 2 chunks of 16
    expect(d.validation.batchSize).toBe(4);
    expect(d.validation.numBatches()).toBe(2);
  });

  it('uses fewer validation streams when the validation part is short, and caps it on request', () => {
    const d = charTextData('x'.repeat(400) + 'y'.repeat(100), { batchSize: 8, seqLength: 16 });
    expect(d.validation.batchSize).toBe(3); // 50 validation characters: 3 sequences of 16
    const capped = charTextData('ab'.repeat(5000), {
      batchSize: 4,
      seqLength: 10,
      maxValidationChars: 200,
    });
    expect(capped.validation.ids.length).toBe(201);
  });

  it('gives clear errors for texts too short to train on', () => {
    expect(() => charTextData('', { batchSize: 2, seqLength: 4 })).toThrow('the text is empty');
    expect(() => charTextData('a', { batchSize: 2, seqLength: 4 })).toThrow('needs at least two');
    expect(() => charTextData('abcdefghij'.repeat(5), { batchSize: 8, seqLength: 16 })).toThrow(
      'its training part (45 characters) is too short for one batch of 8 streams × 16 characters (needs 129)',
    );
    expect(() =>
      charTextData('abcdefghij'.repeat(20), {
        batchSize: 2,
        seqLength: 32,
        validationFraction: 0.1,
      }),
    ).toThrow('the validation part has 20 characters, too few for one sequence of 32');
  });

  it('encodes with a given vocabulary and reports unknown characters', () => {
    const d = charTextData('abcabc'.repeat(50), { batchSize: 2, seqLength: 8 });
    expect(() =>
      charTextData('abcd'.repeat(50), { batchSize: 2, seqLength: 8, vocabulary: d.vocabulary }),
    ).toThrow("the vocabulary does not know: 'd' ×50");
  });
});
