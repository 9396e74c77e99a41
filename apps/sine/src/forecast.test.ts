import '@rnnkit/backend-js';
import { SequenceRegressor } from '@rnnkit/cells';
import { noGrad, Rng, type Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { asciiForecast } from './ascii.js';
import { forecastAutoregressive } from './run.js';

describe('forecastAutoregressive', () => {
  it('feeds each prediction back as the newest value of the window', async () => {
    const model = new SequenceRegressor({
      cell: 'gru',
      inputSize: 1,
      hiddenSize: 4,
      outputSize: 1,
      rng: new Rng(3),
    });
    const seed = Float32Array.from([0.1, -0.2, 0.3, 0.05]);
    const got = await forecastAutoregressive(model, seed, 3);
    // The same thing by hand: predict, shift the window, append, repeat.
    const window = Array.from(seed);
    for (let i = 0; i < 3; i++) {
      const y = noGrad(() =>
        (model.forward(tensor(Float32Array.from(window), [1, 4, 1])) as Tensor).item(),
      );
      expect(got[i]).toBe(y);
      window.shift();
      window.push(y);
    }
    expect(Array.from(seed)).toEqual([0.1, -0.2, 0.3, 0.05].map(Math.fround)); // the caller's seed is not modified
  });
});

describe('asciiForecast', () => {
  it('draws both lines and a legend, and survives a NaN forecast', () => {
    const hist = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i / 10));
    const truth = Float32Array.from({ length: 60 }, (_, i) => Math.sin((200 + i) / 10));
    const chart = asciiForecast(
      hist,
      truth,
      truth.map((v) => v * 0.9),
    );
    expect(chart.split('\n').length).toBeGreaterThan(10);
    expect(chart).toContain('forecast →');
    expect(() =>
      asciiForecast(
        hist,
        truth,
        truth.map(() => Number.NaN),
      ),
    ).not.toThrow();
  });
});
