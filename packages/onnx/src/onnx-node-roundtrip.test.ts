import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { exportOnnxRecurrent } from './export-onnx-layer.js';
import { importOnnx } from './import.js';
import { loadBytes } from './test-utils/fixtures.js';
import { NODE_CASES, TOL } from './test-utils/onnx-node-cases.js';
import { ort, session } from './test-utils/ort.js';

/**
 * Every committed time-major node case that imports onto an ONNX-semantics layer (reverse,
 * activations, clip, input_forget), exported again with exportOnnxRecurrent and run by
 * onnxruntime-node: the attributes written back give the case's expected outputs. (The export is
 * time-major, layout 0, the layout onnxruntime runs; the layout-1 cases differ only by transposes.)
 */

const imported = (name: string) => importOnnx(loadBytes(`onnx-node/${NODE_CASES[name].model}`));
const CASES = Object.keys(NODE_CASES).filter((name) => {
  const info = imported(name).recurrent[0];
  return info.runsOn === 'onnx' && info.layout === 0;
});

describe('import → exportOnnxRecurrent → onnxruntime', () => {
  it('covers reverse, every activation, clip and input_forget', () => {
    for (const want of ['reverse', 'clip', 'input_forget', 'act_bidirectional', 'act_softplus'])
      expect(
        CASES.some((n) => n.includes(want)),
        want,
      ).toBe(true);
  });

  it.each(CASES)('%s', async (name) => {
    const c = NODE_CASES[name];
    const model = imported(name);
    const info = model.recurrent[0];
    const bytes = await exportOnnxRecurrent(model.onnxLayers[info.layer]);
    // the export takes every optional input: the case's, or full lengths and zero states
    const [T, B] = c.inputs.X.shape;
    const D = info.direction === 'bidirectional' ? 2 : 1;
    const float = (k: string, shape: number[]) =>
      new ort.Tensor(
        'float32',
        Float32Array.from(c.inputs[k]?.data ?? new Array(shape.reduce((a, b) => a * b)).fill(0)),
        shape,
      );
    const feeds: Record<string, ort.Tensor> = {
      X: float('X', c.inputs.X.shape),
      sequence_lens: new ort.Tensor(
        'int32',
        Int32Array.from(c.inputs.sequence_lens?.data ?? new Array(B).fill(T)),
        [B],
      ),
      initial_h: float('initial_h', [D, B, info.hiddenSize]),
    };
    if (info.op === 'LSTM') feeds.initial_c = float('initial_c', [D, B, info.hiddenSize]);
    const out = await (await session(bytes)).run(feeds);
    for (const [k, want] of Object.entries(c.outputs)) {
      expect([...out[k].dims], `${name} ${k}`).toEqual(want.shape);
      const got = out[k].data as Float32Array;
      let worst = 0;
      want.data.forEach((w, i) => {
        worst = Math.max(worst, Math.abs(got[i] - w) / Math.max(1, Math.abs(w)));
      });
      expect(worst, `${name} ${k}`).toBeLessThanOrEqual(TOL);
    }
  });
});
