import '@rnnkit/backend-js';
import { Rng } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { CharLM } from './char-lm.js';
import { type CharLMConfig, charLMFromConfig } from './char-lm-config.js';

// A config as apps/char-text writes it into a checkpoint's config.model (JSON).
const SAVED: CharLMConfig = {
  cell: 'gru',
  hiddenSize: 12,
  numLayers: 2,
  embeddingDim: 5,
  dropout: 0.1,
  vocabSize: 7,
};

describe('charLMFromConfig', () => {
  it('builds the CharLM the config describes, weights drawn from the rng', async () => {
    const a = charLMFromConfig(JSON.parse(JSON.stringify(SAVED)), { rng: new Rng(3) });
    expect(a).toBeInstanceOf(CharLM);
    const shapes = Object.fromEntries([...a.namedParameters()].map(([n, p]) => [n, p.shape]));
    expect(shapes['embedding.weight']).toEqual([7, 5]);
    expect(shapes['head.weight']).toEqual([7, 12]);
    expect(a.rnn.numLayers).toBe(2);
    expect(a.rnn.cell.kind).toBe('gru');
    // the same constructor call as CharLM's own options, so the same seed gives the same weights
    const b = new CharLM({ ...SAVED, rng: new Rng(3) });
    const [pa, pb] = [[...a.parameters()], [...b.parameters()]];
    for (let i = 0; i < pa.length; i++) expect(await pa[i].data()).toEqual(await pb[i].data());
  });

  it('refuses a config that lacks a field, naming the file and the field', () => {
    const { embeddingDim: _, ...lacking } = SAVED;
    expect(() =>
      charLMFromConfig(lacking as CharLMConfig, { rng: new Rng(0), source: 'checkpoint m.st' }),
    ).toThrow(
      'checkpoint m.st: the model config lacks embeddingDim (a CharLM config holds cell, hiddenSize, numLayers, embeddingDim, dropout, vocabSize)',
    );
    expect(() =>
      charLMFromConfig(null as unknown as CharLMConfig, { rng: new Rng(0), source: 'x' }),
    ).toThrow(/x: the model config must be an object with cell, .* got null/);
  });

  it("refuses a bad value with CharLM's message, prefixed by the file", () => {
    expect(() =>
      charLMFromConfig({ ...SAVED, cell: 'lstn' }, { rng: new Rng(0), source: 'checkpoint m.st' }),
    ).toThrow(/^checkpoint m\.st: unknown cell 'lstn'; choose one of .*lstm/);
    expect(() =>
      charLMFromConfig(
        { ...SAVED, hiddenSize: -1 },
        { rng: new Rng(0), source: 'checkpoint m.st' },
      ),
    ).toThrow(/^checkpoint m\.st: .*hiddenSize must be a positive integer, got -1/);
  });
});
