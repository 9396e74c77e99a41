import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { emitter, type LoweringOptions, type Val, WEBGPU_LOWERING } from '../graph/emit.js';
import { concat } from './layout.js';

/** The graph of `concat(1)` over `n` inputs [2, 1] (input k holds k and k + 0.5). */
function concatGraph(n: number, lowering: LoweringOptions) {
  const g = new GraphBuilder('concat');
  const xs: Val[] = Array.from({ length: n }, (_, k) => ({
    name: g.input(`x${k}`, DataType.FLOAT, [2, 1]),
    shape: [2, 1],
    dtype: 'float32',
  }));
  const [y] = concat(1)(emitter(g, lowering), xs, []);
  g.output('y', DataType.FLOAT, [2, n], y);
  const feeds: Record<string, ort.Tensor> = {};
  for (let k = 0; k < n; k++) {
    feeds[`x${k}`] = new ort.Tensor('float32', Float32Array.from([k, k + 0.5]), [2, 1]);
  }
  const want = [...Array.from({ length: n }, (_, k) => k), ...xs.map((_, k) => k + 0.5)];
  return { g, feeds, want };
}

describe('concat lowering', () => {
  it('is one Concat of every input without maxConcatInputs (the Node runtime)', () => {
    const { g } = concatGraph(24, {});
    expect(g.nodes.map((n) => [n.op_type, n.input.length])).toEqual([['Concat', 24]]);
  });

  it('on WebGPU joins 24 inputs with Concats of at most 7, in order', async () => {
    const { g, feeds, want } = concatGraph(24, WEBGPU_LOWERING);
    // 7 + 7 + 7 + 3, then the four joined: no node binds more than 8 buffers
    expect(g.nodes.map((n) => [n.op_type, n.input.length])).toEqual([
      ['Concat', 7],
      ['Concat', 7],
      ['Concat', 7],
      ['Concat', 3],
      ['Concat', 4],
    ]);
    const s = await ort.InferenceSession.create(g.encode());
    try {
      expect(Array.from((await s.run(feeds)).y.data as Float32Array)).toEqual(want);
    } finally {
      await s.release();
    }
  });

  it('on WebGPU keeps 7 inputs as one Concat and carries a lone last input up a level', () => {
    expect(concatGraph(7, WEBGPU_LOWERING).g.nodes.map((n) => n.input.length)).toEqual([7]);
    // 50 = 7 · 7 + 1: the last input joins the second level as it is
    expect(concatGraph(50, WEBGPU_LOWERING).g.nodes.map((n) => n.input.length)).toEqual([
      7, 7, 7, 7, 7, 7, 7, 7, 2,
    ]);
  });
});
