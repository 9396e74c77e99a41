import { reference as ref } from '@rnnkit/backend-conformance';
import { type Backend, concat, mul, stack, sum, tensor, valueAndGrad } from '@rnnkit/core';
import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebOnnxBackend } from '../../web.js';

/**
 * The ONNX operators ONNX Runtime Web's WebGPU provider (1.30, on Chromium's SwiftShader) gets
 * wrong, each run as a bare graph on WebGPU (still wrong: the record that WEBGPU_LOWERING in
 * graph/emit.ts needs its option; a test here failing means a new onnxruntime-web fixed it and
 * the option can go), and the same kernel through 'onnx-webgpu', right.
 */

type Build = (g: GraphBuilder) => void;

async function onWebGpu(build: Build, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor> {
  const g = new GraphBuilder('probe');
  build(g);
  for (const o of g.outputs) delete o.type?.tensor_type?.shape;
  const s = await ort.InferenceSession.create(g.encode(), { executionProviders: ['webgpu'] });
  try {
    return (await s.run(feeds)).y;
  } finally {
    await s.release();
  }
}

const f32 = (data: readonly number[], dims: number[]) =>
  new ort.Tensor('float32', Float32Array.from(data), dims);

describe('WebGPU operators that onnx-webgpu writes another way', () => {
  let be: Backend;
  beforeAll(async () => {
    ort.env.wasm.numThreads = 1;
    be = await createWebOnnxBackend('onnx-webgpu', { threads: 1 });
  });
  afterAll(() => (be as { graphs?: { dispose(): void } }).graphs?.dispose());

  it('Split into equal parts of an input with symbolic dimensions gives empty parts (explicitSplit)', async () => {
    const y = await onWebGpu(
      (g) => {
        g.input('x', DataType.FLOAT, ['b', 'c']);
        const parts = g.node('Split', [g.op('Sigmoid', ['x'])], { outputs: 2, attrs: { axis: 1 } });
        g.output('y', DataType.FLOAT, [], parts[1]);
      },
      { x: f32([0, 1, 2, 3], [1, 4]) },
    );
    expect(y.dims).toEqual([1, 0]);
  });

  it('Log(0) is finite (logZero)', async () => {
    const y = await onWebGpu(
      (g) => {
        g.input('x', DataType.FLOAT, [1]);
        g.output('y', DataType.FLOAT, [], g.op('Log', ['x']));
      },
      { x: f32([0], [1]) },
    );
    expect(Number.isFinite(y.data[0])).toBe(true);
    const x = tensor([0], [1], 'float32', be);
    expect(
      Array.from(await be.read({ storage: be.log(x), shape: [1], dtype: 'float32' } as never)),
    ).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('Pow(9, 0.5) is not 3 (exactPow)', async () => {
    const y = await onWebGpu(
      (g) => {
        g.input('x', DataType.FLOAT, [1]);
        g.input('p', DataType.FLOAT, []);
        g.output('y', DataType.FLOAT, [], g.op('Pow', ['x', 'p']));
      },
      { x: f32([9], [1]), p: f32([0.5], []) },
    );
    expect(y.data[0]).not.toBe(3);
    const x = tensor([9, 4], [2], 'float32', be);
    const read = (p: number) =>
      be.read({ storage: be.powScalar(x, p), shape: [2], dtype: 'float32' } as never);
    expect(Array.from(await read(0.5))).toEqual([3, 2]);
    expect(Array.from(await read(-1))).toEqual([1 / 9, 0.25].map(Math.fround));
  });

  it('argmax of rows of 9, written without ArgMax (argmaxByMax)', async () => {
    const a = ref.rand([6, 9], 5200, -3, 3);
    const want = Array.from({ length: 6 }, (_, r) => {
      const row = a.data.slice(r * 9, (r + 1) * 9);
      return row.indexOf(Math.max(...row));
    });
    // ArgMax itself is not probed here: in the conformance suite's run (after many other kernels
    // in the same worker) it gave [3, 2, 1, 3, 1, 2] for these rows, but run alone it is right,
    // so what sets it off is not pinned down; the kernel is written without it on WebGPU.
    const x = tensor(Float32Array.from(a.data), [6, 9], 'float32', be);
    expect(
      Array.from(await be.read({ storage: be.argmax(x), shape: [6], dtype: 'int32' } as never)),
    ).toEqual(want);
  });

  it('Concat of 8 or more inputs binds more storage buffers than a stage may have (maxConcatInputs)', async () => {
    // inputs [32, 1], as the sine page's window of 24 steps at batch 32: input k holds
    // k + 1 + row / 100, so every value tells where it came from
    const rows = 32;
    const part = (k: number) =>
      Array.from({ length: rows }, (_, r) => Math.fround(k + 1 + r / 100));
    const joined = (n: number) =>
      Array.from({ length: rows }, (_, r) =>
        Array.from({ length: n }, (_, k) => part(k)[r]),
      ).flat();
    const bare = async (n: number) => {
      const feeds: Record<string, ort.Tensor> = {};
      for (let k = 0; k < n; k++) feeds[`x${k}`] = f32(part(k), [rows, 1]);
      const y = await onWebGpu((g) => {
        const names = Array.from({ length: n }, (_, k) =>
          g.input(`x${k}`, DataType.FLOAT, [rows, 1]),
        );
        g.output('y', DataType.FLOAT, [], g.op('Concat', names, { axis: 1 }));
      }, feeds);
      return Array.from(y.data as Float32Array);
    };
    // 7 inputs and the output are 8 storage buffers, WebGPU's default limit per stage (ONNX
    // Runtime Web asks for no more): right; one more fails the pipeline's validation and the
    // output is left unwritten
    expect(await bare(7)).toEqual(joined(7));
    expect(await bare(8)).not.toEqual(joined(8));
    expect(await bare(24)).not.toEqual(joined(24));

    const n = 24;
    const want = joined(n);
    const xs = Array.from({ length: n }, (_, k) => tensor(part(k), [rows, 1], 'float32', be));
    expect(Array.from(await concat(xs, 1).data())).toEqual(want);
    // stack has no kernel of its own here: a Concat of the inputs given a new axis
    expect(Array.from(await stack(xs, 1).data())).toEqual(want);
    // a compiled graph without loops runs on WebGPU too
    const joinAll = be.compile?.(() => concat(xs, 1));
    expect(Array.from((await joinAll?.().data()) ?? [])).toEqual(want);
    // the gradient of each input is its slice of the output's gradient (weights k + 1)
    const w = tensor(
      want.map((_, i) => (i % n) + 1),
      [rows, n],
      'float32',
      be,
    );
    const { grads } = valueAndGrad(() => sum(mul(concat(xs, 1), w)), xs);
    for (let k = 0; k < n; k++) {
      expect(Array.from(await grads[k].data())).toEqual(new Array(rows).fill(k + 1));
    }
  });

  it('Gemm with an empty inner dimension is refused (emptyProduct)', async () => {
    await expect(
      onWebGpu(
        (g) => {
          g.input('a', DataType.FLOAT, [2, 0]);
          g.input('b', DataType.FLOAT, [0, 3]);
          g.output('y', DataType.FLOAT, [], g.op('Gemm', ['a', 'b']));
        },
        { a: f32([], [2, 0]), b: f32([], [0, 3]) },
      ),
    ).rejects.toThrow(/\[WebGPU\] Kernel "\[Gemm\] Gemm" failed/);
  });
});
