import { describe, expect, it } from 'vitest';
import { chooseBackends, chooseWorkloads } from './driver.js';

const offered = [
  { name: 'js', peer: false, description: 'plain JavaScript' },
  { name: 'tfjs-layers-wasm', peer: true, description: 'layers' },
];

describe('choosing what runs', () => {
  it('takes every offered backend and every workload when none is asked', () => {
    expect(chooseBackends(offered)).toEqual(['js', 'tfjs-layers-wasm']);
    expect(chooseWorkloads([])).toEqual(['sine-rnn', 'char-lstm', 'generate']);
  });

  it('keeps the asked order of backends and the bench order of workloads', () => {
    expect(chooseBackends(offered, ['tfjs-layers-wasm', 'js'])).toEqual(['tfjs-layers-wasm', 'js']);
    expect(chooseWorkloads(['generate', 'sine-rnn'])).toEqual(['sine-rnn', 'generate']);
  });

  it('names the unknown ones and the choices', () => {
    expect(() => chooseBackends(offered, ['onnx-wasm'])).toThrow(
      'browser bench: unknown backend(s) onnx-wasm; the page offers js, tfjs-layers-wasm',
    );
    expect(() => chooseWorkloads(['matmul'])).toThrow(
      'browser bench: unknown workload(s) matmul; it runs sine-rnn, char-lstm, generate',
    );
  });
});
