import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { Module, Parameter } from './module.js';
import { tensor, zeros } from './ops/creation.js';

class Dense extends Module {
  weight = new Parameter(zeros([3, 2]));
  bias = new Parameter(zeros([3]));
}

class Net extends Module {
  embed = new Parameter(tensor([1, 2, 3, 4], [2, 2]));
  layers = [new Dense(), new Dense()];
  head = new Dense();
  notAParam = 5;
}

describe('Module', () => {
  it('names parameters as PyTorch does, in declaration order', () => {
    const names = new Net().namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'embed',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'layers.1.bias',
      'head.weight',
      'head.bias',
    ]);
  });

  it('round-trips a state dict between two models', () => {
    const a = new Net();
    const b = new Net();
    a.layers[1].bias.assign(tensor([7, 8, 9]));
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.layers[1].bias.dataSync())).toEqual([7, 8, 9]);
    expect(Array.from(b.embed.dataSync())).toEqual([1, 2, 3, 4]);
    // A copy, not an alias.
    a.layers[1].bias.assign(tensor([0, 0, 0]));
    expect(Array.from(b.layers[1].bias.dataSync())).toEqual([7, 8, 9]);
  });

  it('loads host tensors as checkpoints store them', () => {
    const d = new Dense();
    d.loadStateDict({
      weight: { shape: [3, 2], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      bias: { shape: [3], data: new Float32Array(3) },
    });
    expect(Array.from(d.weight.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names every missing, unexpected and mis-shaped key', () => {
    const d = new Dense();
    expect(() => d.loadStateDict({ weight: zeros([2, 3]), extra: zeros([1]) })).toThrow(
      /missing keys: bias; unexpected keys: extra; weight: expected shape \[3, 2\], got \[2, 3\]/,
    );
    expect(() => d.loadStateDict({ bias: zeros([3]) }, { strict: false })).not.toThrow();
  });

  it('switches train/eval recursively', () => {
    const n = new Net().eval();
    expect(n.training).toBe(false);
    expect(n.layers[0].training).toBe(false);
    n.train();
    expect(n.head.training).toBe(true);
  });

  it('freezes parameters', () => {
    const n = new Net();
    n.embed.trainable = false;
    expect(n.parameters({ trainableOnly: true })).toHaveLength(6);
    expect(n.parameters()).toHaveLength(7);
  });
});
