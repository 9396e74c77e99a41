import {
  add,
  addmm,
  type Backend,
  dispose,
  getBackend,
  listBackends,
  matmul,
  memory,
  setBackend,
  Tensor,
  tensor,
} from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend, missingPackageError, type TfjsBackendName } from './index.js';
import { importPeer } from './load.js';

const NAMES: TfjsBackendName[] = ['tfjs-cpu', 'tfjs-wasm'];

describe('registration', () => {
  it('importing the package registers tfjs-wasm and tfjs-cpu below the JS default', async () => {
    expect(listBackends()).toEqual(expect.arrayContaining(['tfjs-wasm', 'tfjs-cpu']));
    const be = await setBackend('tfjs-wasm');
    expect(be.name).toBe('tfjs-wasm');
    expect(getBackend()).toBe(be);
    expect(tf.getBackend()).toBe('wasm');
    expect(be.threads?.()).toBe(1);
  });

  it('a missing tfjs package gives an error naming the package to install', async () => {
    const err = await importPeer(
      'tfjs-wasm',
      '@tensorflow/tfjs-backend-wasm',
      // A package that is certainly not installed, loaded the way the real peers are.
      () => import(/* @vite-ignore */ ['@tensorflow', 'tfjs-backend-not-installed'].join('/')),
    ).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('tfjs-wasm needs @tensorflow/tfjs-backend-wasm');
    expect(err.message).toContain('npm install @tensorflow/tfjs-backend-wasm');
    expect(missingPackageError('tfjs-cpu', '@tensorflow/tfjs-backend-cpu').message).toContain(
      'npm install @tensorflow/tfjs-backend-cpu',
    );
  });

  it('other load errors pass through unchanged', async () => {
    const boom = new Error('boom');
    await expect(importPeer('tfjs-cpu', 'x', () => Promise.reject(boom))).rejects.toBe(boom);
  });
});

describe('both tfjs backends in one process', () => {
  it('each kernel runs on its own tfjs backend, whichever tfjs last used', async () => {
    const cpu = await createTfjsBackend('tfjs-cpu');
    const wasm = await createTfjsBackend('tfjs-wasm');
    const a = tensor([1, 2, 3, 4], [2, 2], 'float32', cpu);
    const b = tensor([1, 2, 3, 4], [2, 2], 'float32', wasm);
    const a2 = matmul(a, a);
    expect(tf.getBackend()).toBe('cpu');
    const b2 = matmul(b, b);
    expect(tf.getBackend()).toBe('wasm');
    expect(Array.from(await add(a2, a).data())).toEqual([8, 12, 18, 26]);
    expect(Array.from(await add(b2, b).data())).toEqual([8, 12, 18, 26]);
    dispose([a, b, a2, b2]);
  });
});

describe('tfjs-cpu products', () => {
  it("run rnnkit's packed GEMM (RnnkitMatMul), not tfjs-cpu's BatchMatMul, in all four layouts", async () => {
    const cpu = await createTfjsBackend('tfjs-cpu');
    const A = Array.from({ length: 6 * 5 }, (_, i) => ((i * 7) % 11) - 5);
    const B = Array.from({ length: 5 * 4 }, (_, i) => ((i * 5) % 9) - 4);
    const want = (i: number, j: number) => {
      let s = 0;
      for (let p = 0; p < 5; p++) s += A[i * 5 + p] * B[p * 4 + j];
      return s;
    };
    const T = (x: number[], r: number, c: number) =>
      Array.from({ length: r * c }, (_, k) => x[(k % r) * c + Math.floor(k / r)]);
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const a = tensor(transA ? T(A, 6, 5) : A, transA ? [5, 6] : [6, 5], 'float32', cpu);
      const b = tensor(transB ? T(B, 5, 4) : B, transB ? [4, 5] : [5, 4], 'float32', cpu);
      const prof = await tf.profile(() => {
        const c = matmul(a, b, { transA, transB });
        const got = c.dataSync();
        for (let i = 0; i < 6; i++)
          for (let j = 0; j < 4; j++) expect(got[i * 4 + j]).toBe(want(i, j));
        dispose(c);
      });
      expect(prof.kernelNames).toContain('RnnkitMatMul');
      expect(prof.kernelNames).not.toContain('BatchMatMul');
      dispose([a, b]);
    }
  });
});

describe.each(NAMES)('%s specifics', (name) => {
  it('scatterAdd: ScatterNd by default, one-hot matmul on request, same sums', async () => {
    const be = await createTfjsBackend(name);
    const oh = await createTfjsBackend(name, { scatter: 'oneHot' });
    expect(be.scatterMode).toBe('scatterNd');
    expect(oh.scatterMode).toBe('oneHot');
    const idx = [3, 0, 3, 3, 1, 0, 4];
    const upd = Array.from({ length: idx.length * 3 }, (_, i) => (i % 5) - 1.5 + i / 7);
    const expected = new Array<number>(6 * 3).fill(0);
    idx.forEach((r, i) => {
      for (let j = 0; j < 3; j++) expected[r * 3 + j] += upd[i * 3 + j];
    });
    for (const b of [be, oh] as Backend[]) {
      const i = tensor(Int32Array.from(idx), [idx.length], 'int32', b);
      const u = tensor(upd, [idx.length, 3], 'float32', b);
      const out = new Tensor(b, b.scatterAdd(i, u, 6), [6, 3], 'float32');
      const got = Array.from(await out.data());
      for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k], 5);
      dispose([i, u, out]);
    }
  });

  it('addmm: one kernel call on tfjs-cpu, product then sum on wasm, same sums', async () => {
    const be = await createTfjsBackend(name);
    const A = [0.5, -1, 2, 0.25, -0.75, 1.5]; // a [1, 6] (or [6, 1] transposed)
    const Bm = Array.from({ length: 6 * 3 }, (_, i) => ((i * 5) % 7) / 4 - 0.5); // b [6, 3]
    const C = [0.1, -0.2, 0.3];
    const want = C.map((c, j) => c + A.reduce((s, x, p) => s + x * Bm[p * 3 + j], 0));
    const Bt = Array.from({ length: 18 }, (_, k) => Bm[(k % 6) * 3 + Math.floor(k / 6)]);
    for (const [transA, transB] of [
      [false, false],
      [true, true],
    ]) {
      for (const cShape of [[3], [1, 3]]) {
        const a = tensor(A, transA ? [6, 1] : [1, 6], 'float32', be);
        const b = tensor(transB ? Bt : Bm, transB ? [3, 6] : [6, 3], 'float32', be);
        const c = tensor(C, cShape, 'float32', be);
        const prof = await tf.profile(() => {
          const y = addmm(c, a, b, { transA, transB });
          const got = y.dataSync();
          for (let j = 0; j < 3; j++) expect(got[j]).toBeCloseTo(want[j], 5);
          dispose(y);
        });
        const fused = name === 'tfjs-cpu';
        expect(prof.kernelNames).toContain(fused ? 'RnnkitAddmm' : 'Add');
        if (fused) expect(prof.kernelNames).not.toContain('Add');
        dispose([a, b, c]);
      }
    }
  });

  it('fused: false leaves the LSTM/GRU steps to core', async () => {
    const be = await createTfjsBackend(name, { fused: false });
    expect(be.lstmCell).toBeUndefined();
    expect(be.gruCellBackward).toBeUndefined();
    expect((await createTfjsBackend(name)).lstmCell).toBeTypeOf('function');
  });

  it('gather rejects an index outside the table', async () => {
    const be: Backend = await createTfjsBackend(name);
    const t = tensor([1, 2, 3, 4], [2, 2], 'float32', be);
    const i = tensor(Int32Array.from([0, 2]), [2], 'int32', be);
    expect(() => be.gather(t, i)).toThrow(/index 2 at position 1 is outside the table's 2 rows/);
    dispose([t, i]);
  });

  it('every kernel result is a fresh tf.Tensor; disposing frees it (and any cached transpose)', async () => {
    const be = await createTfjsBackend(name);
    const w = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float32', be);
    const x = tensor([1, 1, 1, 0, 0, 1], [2, 3], 'float32', be);
    const tfBefore = tf.memory().numTensors;
    const coreBefore = memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const y = matmul(x, w, { transB: true }); // x·wᵀ: on wasm wᵀ is made once and reused
      expect(Array.from(await y.data())).toEqual([6, 15, 3, 6]);
      y.dispose();
    }
    expect(memory().numTensors).toBe(coreBefore);
    w.dispose(); // frees w and its cached transpose
    x.dispose();
    expect(tf.memory().numTensors).toBe(tfBefore - 2);
  });
});
