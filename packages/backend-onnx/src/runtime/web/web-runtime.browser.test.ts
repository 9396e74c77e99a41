import { add, type Backend, mul, sum, tensor, valueAndGrad } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { MOVED_FEED_BYTES, type OnnxStorage } from '../../storage.js';
import { createWebOnnxBackend, OnnxWorkerStoppedError, wasmThreads } from '../../web.js';
import type { WebRuntime } from './web-runtime.js';

describe('onnx-wasm in a Chromium page', () => {
  it('uses min(hardwareConcurrency, 4) threads on a cross-origin isolated page, and says so', async () => {
    // the test page is served with COOP/COEP (vitest.browser.config.ts)
    expect(globalThis.crossOriginIsolated).toBe(true);
    const { threads, notice } = wasmThreads();
    expect(threads).toBe(Math.min(navigator.hardwareConcurrency, 4));
    expect(notice).toMatch(/cross-origin isolated/);
    const be = await createWebOnnxBackend('onnx-wasm');
    expect(be.threads()).toBe(threads);
    // onnxruntime-web itself, in the worker, once it has started: isolated too, on those threads
    const a = tensor([1, 2], [2], 'float32', be);
    expect(Array.from(await add(a, a).data())).toEqual([2, 4]);
    const stats = await (be.graphs.remote as WebRuntime).stats();
    expect(stats).toMatchObject({ threads, isolated: true });
    be.graphs.dispose();
  });

  it('has no synchronous reads: dataSync names await tensor.data()', async () => {
    const be = await createWebOnnxBackend('onnx-wasm', { threads: 1 });
    expect((be as Backend).readSync).toBeUndefined();
    const a = tensor([1, 2, 3], [3], 'float32', be);
    const b = add(a, a);
    expect(() => b.dataSync()).toThrow(/await tensor\.data\(\)/);
    expect(Array.from(await b.data())).toEqual([2, 4, 6]);
    be.graphs.dispose();
  });

  it('runs a compiled training step in the worker, its results staying there until read', async () => {
    const be = await createWebOnnxBackend('onnx-wasm', { threads: 1 });
    const w = tensor([0.5, -1, 2, 0.25], [4], 'float32', be);
    const x = tensor([1, 2, 3, 4], [4], 'float32', be);
    const step = be.compile(() => valueAndGrad(() => sum(mul(mul(w, x), w)), [w]));
    const { value, grads } = step();
    expect(value.storage).toMatchObject({ data: null });
    const rt = be.graphs.remote as WebRuntime;
    expect(rt.runs).toBeGreaterThan(0);
    // sum(w·x·w) = 0.25 + 2 + 12 + 0.25; its gradient 2·w·x
    expect(Array.from(await value.data())).toEqual([14.5]);
    expect(Array.from(await grads[0].data())).toEqual([1, -4, 12, 2]);
    be.graphs.dispose();
  });

  it('moves a large host input of a compiled run to the worker: transferred, then read from there', async () => {
    const be = await createWebOnnxBackend('onnx-wasm', { threads: 1 });
    const n = MOVED_FEED_BYTES / 4;
    const x = tensor(
      Float32Array.from({ length: n }, (_, i) => i % 3),
      [n],
      'float32',
      be,
    );
    const host = (x.storage as OnnxStorage).data!;
    const total = be.compile(() => sum(x))();
    expect(Array.from(await total.data())).toEqual([n - 1]);
    // the buffer went with the run: the host array is empty, the tensor is the worker's value
    expect(host.length).toBe(0);
    expect(x.storage).toMatchObject({ data: null });
    const back = await x.data();
    expect([back.length, back[4]]).toEqual([n, 1]);
    expect(
      Array.from(
        await be
          .compile(() => sum(x))()
          .data(),
      ),
    ).toEqual([n - 1]);
    be.graphs.dispose();
  });

  it('a worker that ends fails pending and later reads with OnnxWorkerStoppedError', async () => {
    const be = await createWebOnnxBackend('onnx-wasm', { threads: 1 });
    const a = tensor([1, 2], [2], 'float32', be);
    const b = add(a, a);
    const pending = b.data();
    (be.graphs.remote as WebRuntime).terminateWorker('ended on purpose by the test');
    await expect(pending).rejects.toBeInstanceOf(OnnxWorkerStoppedError);
    await expect(pending).rejects.toThrow(/ended on purpose by the test/);
    expect(be.failure).toBeInstanceOf(OnnxWorkerStoppedError);
    expect(() => add(a, a)).toThrow(OnnxWorkerStoppedError);
  });
});
