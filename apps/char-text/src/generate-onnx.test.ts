import '@rnnkit/backend-js';
import '@rnnkit/backend-onnx';
import type { OnnxBackend } from '@rnnkit/backend-onnx';
import { CharLM } from '@rnnkit/cells';
import { getBackend, Rng, useBackend } from '@rnnkit/core';
import { Vocabulary } from '@rnnkit/data';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from './generate.js';

const vocab = Vocabulary.fromText('abcdefghij klmnop\nqrstuvwxyz.,');

describe('generate on onnx (draws inside the loop, in chunks)', () => {
  const prev = getBackend().name;
  afterAll(() => {
    useBackend(prev);
  });

  it('streams every character, is reproducible, and runs the chunks as graphs', async () => {
    const be = useBackend('onnx') as OnnxBackend;
    const m = new CharLM({ vocabSize: vocab.size, hiddenSize: 12, cell: 'lstm', rng: new Rng(4) });
    const seen: string[] = [];
    const o = { length: 250, prime: 'ab', temperature: 0.7 };
    const builds = be.graphs.builds;
    const text = await generate(m, vocab, { ...o, rng: new Rng(9), onChar: (c) => seen.push(c) });
    // 249 characters after the first: chunks of 100, 100 and 49 → two graph shapes
    expect(be.graphs.builds - builds).toBe(2);
    expect(text).toHaveLength(250);
    expect(seen.join('')).toBe(text);
    expect([...text].every((c) => vocab.has(c))).toBe(true);
    expect(await generate(m, vocab, { ...o, rng: new Rng(9) })).toBe(text);
    expect(await generate(m, vocab, { ...o, rng: new Rng(10) })).not.toBe(text);
  });
});
