import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import { afterEach, describe, expect, it } from 'vitest';
import { WebRuntime } from './web-runtime.js';

/**
 * A WebGPU error on the worker's device fails the backend's reads instead of handing back wrong
 * values. The error is a real one: a Concat of 8 inputs binds 9 storage buffers, one more than
 * WebGPU's default limit per shader stage that ONNX Runtime Web 1.30 asks for, so its pipeline
 * fails validation (webgpu-operators.browser.test.ts shows that its output then stays unwritten).
 */

const ROWS = 4;

/** A graph that joins `n` inputs of [ROWS, 1] along axis 1, as raw ONNX for the worker. */
function concatModel(n: number): { model: Uint8Array; inputs: string[] } {
  const g = new GraphBuilder('concat');
  const inputs = Array.from({ length: n }, (_, k) => g.input(`x${k}`, DataType.FLOAT, [ROWS, 1]));
  g.output('y', DataType.FLOAT, [ROWS, n], g.op('Concat', inputs, { axis: 1 }));
  return { model: g.encode(), inputs };
}

/** Runs a Concat of `n` inputs (input k holds k + 1) in the worker; returns its output's id. */
function runConcat(rt: WebRuntime, n: number): number {
  const { model, inputs } = concatModel(n);
  const sid = rt.load(model, inputs, ['y']);
  const feeds = inputs.map((_, k) => ({
    data: new Float32Array(ROWS).fill(k + 1),
    shape: [ROWS, 1],
  }));
  return rt.run(sid, feeds, 1)[0];
}

const joined = (n: number) =>
  Array.from({ length: ROWS }, () => Array.from({ length: n }, (_, k) => k + 1)).flat();

describe("onnx-webgpu's worker and its device's errors", () => {
  let rt: WebRuntime | undefined;
  afterEach(() => rt?.dispose());

  it('a pipeline that fails validation makes the pending read and every later one reject', async () => {
    rt = new WebRuntime({ ep: 'webgpu', threads: 1 });
    // before: a Concat within the limit runs on the device and reads back right
    const good = runConcat(rt, 4);
    expect(Array.from((await rt.read(good)).data)).toEqual(joined(4));

    const bad = runConcat(rt, 8);
    const pending = rt.read(bad);
    const want = /'onnx-webgpu' stopped.*GPUValidationError.*use 'onnx-wasm'.*The device said: \S/s;
    await expect(pending).rejects.toThrow(want);
    // the device's error stays: a later run of a good graph, and the good value read before,
    // fail with it too
    await expect(rt.read(runConcat(rt, 4))).rejects.toThrow(want);
    await expect(rt.read(good)).rejects.toThrow(want);
  });
});
