import { createJsBackend } from '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { RnnkitError } from './errors.js';
import { Module, Parameter } from './module.js';
import { add, tensor } from './ops/index.js';
import { registerBackend, setBackend, useBackend } from './registry.js';
import { withoutSyncReads } from './without-sync-reads.js';

// Reads are asynchronous by contract: a backend without readSync (as a WebGPU one) must be able
// to hold a model, move it and be read with await; synchronous reads fail with a clear error.
registerBackend('js-async-reads', () => withoutSyncReads(createJsBackend()), { priority: -20 });

class Net extends Module {
  weight: Parameter;
  constructor(values: number[]) {
    super();
    this.weight = new Parameter(tensor(values, [values.length]));
  }
}

describe('withoutSyncReads', () => {
  it('keeps the kernels and async reads, and has no readSync', async () => {
    const be = await setBackend('js-async-reads');
    try {
      expect(be.name).toBe('js-async-reads');
      expect(be.readSync).toBeUndefined();
      expect('readSync' in be).toBe(false);
      const y = add(tensor([1, 2]), tensor([3, 4]));
      expect(y.backend).toBe(be);
      expect(Array.from(await y.data())).toEqual([4, 6]);
      expect(() => y.dataSync()).toThrow(
        "backend 'js-async-reads' cannot read synchronously (reads are asynchronous by contract); use await tensor.data()",
      );
      expect(() => add(tensor([1]), tensor([2])).item()).toThrow(/use await tensor\.data\(\)/);
    } finally {
      useBackend('js');
    }
  });
});

describe('moving and assigning without synchronous reads', () => {
  it('Module.to moves a model off and onto a backend that cannot read synchronously', async () => {
    const noSync = await setBackend('js-async-reads');
    const net = new Net([0.5, -1.25, 3]);
    const js = useBackend('js');
    expect(await net.to(js)).toBe(net);
    expect(net.weight.backend).toBe(js);
    expect(Array.from(net.weight.dataSync())).toEqual([0.5, -1.25, 3]);
    await net.to(noSync);
    expect(net.weight.backend).toBe(noSync);
    expect(Array.from(await net.weight.data())).toEqual([0.5, -1.25, 3]);
  });

  it('moveToSync refuses a backend that cannot read synchronously and names moveTo', async () => {
    const noSync = await setBackend('js-async-reads');
    const t = tensor([1, 2]);
    useBackend('js');
    expect(() => t.moveToSync('js')).toThrow(
      "Tensor.moveToSync: backend 'js-async-reads' cannot read synchronously; use await tensor.moveTo('js')",
    );
    expect(t.backend).toBe(noSync);
    expect((await t.moveTo('js')).dataSync()).toEqual(Float32Array.of(1, 2));
  });

  it('Parameter.assign from such a backend says to move the source first', async () => {
    await setBackend('js-async-reads');
    const src = tensor([7, 8]);
    useBackend('js');
    const p = new Parameter(tensor([0, 0]));
    expect(() => p.assign(src)).toThrow(RnnkitError);
    expect(() => p.assign(src)).toThrow(
      "Parameter.assign: the source tensor is on backend 'js-async-reads', which cannot read synchronously, and this parameter on 'js'; move it first: await src.moveTo('js')",
    );
    p.assign(await src.moveTo('js'));
    expect(Array.from(p.dataSync())).toEqual([7, 8]);
  });
});
