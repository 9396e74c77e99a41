import { createJsBackend } from '@rnnkit/backend-js';
import type { Backend, Tensor } from '@rnnkit/core';
import { add, matmul, mul, sigmoid, sum, tanh, tensor, valueAndGrad } from '@rnnkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { createWebOnnxBackend, type WebOnnxBackend } from '../../web.js';
import type { WebRuntime } from './web-runtime.js';

// A page that is not cross-origin isolated, and onnxruntime-web's .wasm served from another
// folder (vitest.unisolated.config.ts serves /ort-elsewhere/ and logs every request it answers).

declare module 'vitest/browser' {
  interface BrowserCommands {
    servedRequests(): Promise<string[]>;
  }
}

const wasmRequests = async (since: number) =>
  (await commands.servedRequests()).slice(since).filter((u) => /\.wasm(\?|$)/.test(u));

let be: WebOnnxBackend | undefined;
afterEach(() => {
  be?.graphs.dispose();
  be = undefined;
  vi.restoreAllMocks();
});

/** A small LSTM-like step: gates from x·W + h·U, the new state, and the loss's gradients. */
function lstmStep(b: Backend, compiled = true) {
  const t = (n: number, shape: number[], s: number) =>
    tensor(
      Array.from({ length: n }, (_, i) => Math.sin(i * s) * 0.5),
      shape,
      'float32',
      b,
    );
  const x = t(12, [3, 4], 1.3);
  const h = t(15, [3, 5], 0.7);
  const w = t(20, [4, 5], 2.1);
  const u = t(25, [5, 5], 0.9);
  const step = () =>
    valueAndGrad(() => {
      const z = add(matmul(x, w), matmul(h, u));
      const next = mul(sigmoid(z), tanh(z));
      return sum(mul(next, next));
    }, [w, u]);
  return compiled ? b.compile!(step) : step;
}

async function values(r: { value: Tensor; grads: Tensor[] }): Promise<number[][]> {
  return [
    Array.from(await r.value.data()),
    ...(await Promise.all(r.grads.map(async (g) => Array.from(await g.data())))),
  ];
}

describe('onnx-wasm on a page that is not cross-origin isolated', () => {
  it('computes with 1 WebAssembly thread, says why in its one notice, and matches the JS backend', async () => {
    expect(globalThis.crossOriginIsolated).toBe(false);
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    be = await createWebOnnxBackend('onnx-wasm');
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0][0])).toMatch(
      /1 WebAssembly thread: the page is not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/,
    );
    expect(be.threads()).toBe(1);
    const got = await values(lstmStep(be)());
    const want = await values(lstmStep(createJsBackend(), false)());
    for (let k = 0; k < want.length; k++)
      for (let i = 0; i < want[k].length; i++) expect(got[k][i]).toBeCloseTo(want[k][i], 5);
    // what onnxruntime-web itself settled on, in the worker
    const stats = await (be.graphs.remote as WebRuntime).stats();
    expect(stats).toMatchObject({ threads: 1, isolated: false });
  });

  it('loads the WebAssembly without WebGPU (no .jsep build) from beside its script by default', async () => {
    const since = (await commands.servedRequests()).length;
    be = await createWebOnnxBackend('onnx-wasm', { threads: 1 });
    expect(
      Array.from(
        await add(tensor([1, 2], [2], 'float32', be), tensor([3, 4], [2], 'float32', be)).data(),
      ),
    ).toEqual([4, 6]);
    const wasm = await wasmRequests(since);
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/onnxruntime-web\/dist\/ort-wasm-simd-threaded\.wasm/);
  });

  it('loads it from the folder wasmPaths names', async () => {
    const since = (await commands.servedRequests()).length;
    be = await createWebOnnxBackend('onnx-wasm', { threads: 1, wasmPaths: '/ort-elsewhere/' });
    expect(
      Array.from(
        await add(tensor([1, 2], [2], 'float32', be), tensor([3, 4], [2], 'float32', be)).data(),
      ),
    ).toEqual([4, 6]);
    expect(await wasmRequests(since)).toEqual(['/ort-elsewhere/ort-wasm-simd-threaded.wasm']);
  });

  it('a wasmPaths folder without the files fails with an error that names the option', async () => {
    be = await createWebOnnxBackend('onnx-wasm', { threads: 1, wasmPaths: '/no-such-folder/' });
    const r = add(tensor([1, 2], [2], 'float32', be), tensor([3, 4], [2], 'float32', be));
    await expect(r.data()).rejects.toThrow(
      /could not start its WebAssembly, loaded from wasmPaths '\/no-such-folder\/'.*as the wasmPaths option/,
    );
  });
});
