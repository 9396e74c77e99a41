import '@rnnkit/backend-js';
import { CharLM } from '@rnnkit/cells';
import { memory, noGrad, Rng, reshape, tensor, tidy } from '@rnnkit/core';
import { UnknownCharacterError, Vocabulary } from '@rnnkit/data';
import { describe, expect, it } from 'vitest';
import { argmax, generate, sampleFromLogits } from './generate.js';

const vocab = Vocabulary.fromText('abcdefghij klmnop\nqrstuvwxyz.,');

function model(cell: 'lstm' | 'gru' = 'lstm', seed = 1) {
  return new CharLM({
    vocabSize: vocab.size,
    hiddenSize: 12,
    numLayers: 2,
    cell,
    rng: new Rng(seed),
  });
}

function randomLogits(rng: Rng, n = 30): Float32Array {
  return Float32Array.from({ length: n }, () => 3 * rng.normal());
}

describe('sampleFromLogits', () => {
  it('is reproducible for a seed and differs between seeds', () => {
    const logits = randomLogits(new Rng(5));
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 50 }, () => sampleFromLogits(logits, { temperature: 1 }, rng));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('temperature 0 is greedy, and temperature → 0 approaches it', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const logits = randomLogits(rng);
      const greedy = argmax(logits);
      expect(sampleFromLogits(logits, { temperature: 0 }, rng)).toBe(greedy);
      expect(sampleFromLogits(logits, { temperature: 1e-4 }, rng)).toBe(greedy);
      expect(sampleFromLogits(logits, { topK: 1 }, rng)).toBe(greedy);
    }
  });

  it('top-k never emits a character outside the k most likely', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const logits = randomLogits(rng);
      const top = Array.from(logits.keys())
        .sort((a, b) => logits[b] - logits[a])
        .slice(0, 3);
      const seen = new Set<number>();
      // temperature 5 flattens the distribution, so every allowed character is drawn
      for (let i = 0; i < 300; i++)
        seen.add(sampleFromLogits(logits, { topK: 3, temperature: 5 }, rng));
      expect([...seen].sort()).toEqual([...top].sort());
    }
  });

  it('follows the softmax probabilities', () => {
    const logits = Float32Array.of(Math.log(0.7), Math.log(0.2), Math.log(0.1));
    const rng = new Rng(0);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[sampleFromLogits(logits, {}, rng)]++;
    expect(counts[0] / 20_000).toBeCloseTo(0.7, 1);
    expect(counts[1] / 20_000).toBeCloseTo(0.2, 1);
    expect(counts[2] / 20_000).toBeCloseTo(0.1, 1);
  });
});

describe('generate', () => {
  it('carries the state one character at a time: greedy steps match one forward over the text', async () => {
    const m = model();
    const prime = 'abc de';
    const text = await generate(m, vocab, { length: 25, temperature: 0, prime, rng: new Rng(0) });
    expect([...text]).toHaveLength(25);
    // Scoring prime + text in one pass must give, at every position, the character chosen next.
    const all = vocab.encode(prime + text);
    const logits = tidy(() =>
      noGrad(() =>
        reshape(m.forward(tensor(all, [1, all.length], 'int32')).logits, [
          all.length,
          vocab.size,
        ]).dataSync(),
      ),
    );
    for (let i = prime.length - 1; i < all.length - 1; i++) {
      const row = logits.subarray(i * vocab.size, (i + 1) * vocab.size);
      expect(argmax(row)).toBe(all[i + 1]);
    }
  });

  it('is reproducible with a seed, streams every character, and frees its tensors', async () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const m = model(cell);
      const before = memory().numTensors;
      const streamed: string[] = [];
      const a = await generate(m, vocab, {
        length: 60,
        rng: new Rng(9),
        onChar: (c) => streamed.push(c),
      });
      const b = await generate(m, vocab, { length: 60, rng: new Rng(9) });
      const c = await generate(m, vocab, { length: 60, rng: new Rng(10) });
      expect(a).toBe(b);
      expect(a).not.toBe(c);
      expect(streamed.join('')).toBe(a);
      expect(memory().numTensors).toBe(before);
      expect(m.training).toBe(true); // left as it was
    }
  });

  it('top-k 1 and temperature 0 give the same text', async () => {
    const m = model('gru', 4);
    const greedy = await generate(m, vocab, { length: 40, temperature: 0, rng: new Rng(1) });
    expect(await generate(m, vocab, { length: 40, topK: 1, rng: new Rng(2) })).toBe(greedy);
    expect(await generate(m, vocab, { length: 40, temperature: 1e-4, rng: new Rng(3) })).toBe(
      greedy,
    );
  });

  it('rejects a prime with unknown characters, listing them, and bad options', async () => {
    const m = model();
    await expect(generate(m, vocab, { length: 5, prime: 'ABa', rng: new Rng(0) })).rejects.toThrow(
      UnknownCharacterError,
    );
    await expect(generate(m, vocab, { length: 5, prime: 'ABa', rng: new Rng(0) })).rejects.toThrow(
      "the prime text \"ABa\" has 2 characters the vocabulary does not know: 'A', 'B'",
    );
    await expect(
      generate(m, vocab, { length: 5, temperature: -1, rng: new Rng(0) }),
    ).rejects.toThrow('temperature must be a number ≥ 0');
    await expect(generate(m, vocab, { length: 5, topK: 1.5, rng: new Rng(0) })).rejects.toThrow(
      'top-k',
    );
  });
});
