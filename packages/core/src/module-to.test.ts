import { createJsBackend } from '@rnnkit/backend-js';
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from './backend.js';
import { BackendError, RnnkitError } from './errors.js';
import { Module, Parameter } from './module.js';
import { add, matmul, tensor } from './ops/index.js';
import { getBackend, registerBackend, setBackend, useBackend } from './registry.js';
import { Rng } from './rng.js';
import type { Tensor } from './tensor.js';
import { memory } from './tidy.js';

// A second JS backend instance stands in for another backend: its tensors are not the first's.
registerBackend('js-other', createJsBackend, { priority: -10 });
registerBackend('js-async', async () => createJsBackend(), { priority: -11 });
afterAll(() => {
  useBackend('js');
});

class Net extends Module {
  weight: Parameter;
  layers: Parameter[];
  /** A buffer: a tensor held by the module that is not a parameter. */
  runningMean: Tensor;
  constructor(be: Backend) {
    super();
    const rng = new Rng(7);
    this.weight = new Parameter(tensor(rng.normalArray(6), [2, 3], 'float32', be));
    this.layers = [new Parameter(tensor(rng.normalArray(3), [3], 'float32', be))];
    this.runningMean = tensor([0.1, 0.2, 1e-30], [3], 'float32', be);
  }
}

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

describe('Module.to', () => {
  it('moves parameters and buffers in place, values bit for bit, and returns the module', async () => {
    const js = useBackend('js');
    const net = new Net(js);
    const before = [...net.namedParameters(), ...net.namedBuffers()].map(([n, t]) => [
      n,
      t,
      bits(t),
    ]);
    const other = useBackend('js-other');
    expect(other).not.toBe(js);
    expect(await net.to(other)).toBe(net);
    for (const [name, t, b] of before) {
      const now = name === 'runningMean' ? net.runningMean : (t as Tensor);
      expect(now).toBe(t); // the same objects: references held elsewhere stay valid
      expect(now.backend).toBe(other);
      expect(bits(now)).toEqual(b);
    }
    expect(net.namedBuffers().map(([n]) => n)).toEqual(['runningMean']);
    // and back, by name
    await net.to('js');
    for (const [, t] of net.namedParameters()) expect(t.backend).toBe(js);
    expect(net.runningMean.backend).toBe(js);
    expect(bits(net.weight)).toEqual(before[0][2]);
  });

  it('keeps the tensor count; ops on the moved model run on the new backend', async () => {
    const net = new Net(useBackend('js'));
    const live = memory().numTensors;
    await net.to('js-other');
    expect(memory().numTensors).toBe(live);
    const other = useBackend('js-other');
    const y = matmul(tensor([1, 2], [1, 2]), net.weight);
    expect(y.backend).toBe(other);
    useBackend('js');
  });

  it('needs an asynchronously starting backend to be started first, and says how', async () => {
    const net = new Net(useBackend('js'));
    const moving = net.to('js-async');
    await expect(moving).rejects.toThrow(BackendError);
    await expect(moving).rejects.toThrow(
      "backend 'js-async' starts asynchronously and is not started yet: await setBackend('js-async') first",
    );
    const started = await setBackend('js-async');
    useBackend('js');
    expect((await net.to('js-async')).weight.backend).toBe(started);
  });

  it('rejects what is not a backend, and unknown names name the package to install', async () => {
    const net = new Net(useBackend('js'));
    await expect(net.to(3 as never)).rejects.toThrow(
      "Net.to: expected a backend name ('js', 'tfjs-cpu', 'onnx', …) or a Backend, got number 3",
    );
    await expect(net.to('onnx')).rejects.toThrow(/install @rnnkit\/backend-onnx/);
  });

  it('the mixed-backend error names .to() and the selected backend', async () => {
    const js = useBackend('js');
    const net = new Net(js);
    useBackend('js-other');
    const x = tensor([1, 2, 3], [3]); // made on the selected backend
    let err: unknown;
    try {
      add(x, net.layers[0]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RnnkitError);
    expect((err as Error).message).toContain("model.to('js') moves a model's parameters");
    // the selected backend is the second one (also named 'js'): moving the model there fixes it
    await net.to(getBackend());
    expect(Array.from(add(x, net.layers[0]).dataSync())).toHaveLength(3);
    useBackend('js');
  });
});
