import {
  compile,
  dispose,
  gather,
  mul,
  registerBackend,
  sum,
  tensor,
  useBackend,
  valueAndGrad,
} from '@rnnkit/core';
import { decodeModel } from '@rnnkit/onnx/format';
import { describe, expect, it } from 'vitest';
import type { OnnxBackend } from './backend.js';
import { createOnnxBackend } from './index.js';

/** The embedding gradient of a gather with repeated rows, compiled on `threads` threads. */
function embeddingGrad(threads: number) {
  const name = `onnx-scatter-${threads}`;
  registerBackend(name, () => createOnnxBackend('onnx', { threads, worker: false }));
  const be = useBackend(name) as OnnxBackend;
  const table = tensor(
    Float32Array.from({ length: 5 * 3 }, (_, i) => i / 10),
    [5, 3],
  );
  const idx = tensor(Int32Array.from([4, 0, 4, 4, 2, 0]), [6], 'int32');
  const w = tensor(
    Float32Array.from({ length: 6 * 3 }, (_, i) => ((i * 7) % 5) - 2),
    [6, 3],
  );
  const g = compile(() => valueAndGrad(() => sum(mul(gather(table, idx), w)), [table]).grads[0])();
  const ops = decodeModel(be.graphs.last!.model).graph!.node.map((n) => n.op_type);
  const got = Array.from(g.dataSync());
  dispose([table, idx, w, g]);
  return { got, ops };
}

describe('scatterAdd (embedding gradients) in compiled graphs', () => {
  // row r of the gradient sums the rows of w picked where idx = r
  const W = Array.from({ length: 18 }, (_, i) => ((i * 7) % 5) - 2);
  const want = new Array<number>(15).fill(0);
  [4, 0, 4, 4, 2, 0].forEach((r, n) => {
    for (let j = 0; j < 3; j++) want[r * 3 + j] += W[n * 3 + j];
  });

  it('one thread: ScatterND adding in index order, exact', () => {
    const { got, ops } = embeddingGrad(1);
    expect(ops).toContain('ScatterND');
    expect(got).toEqual(want);
  });

  it('two threads: the one-hot product (ScatterND raced there), same sums', () => {
    const { got, ops } = embeddingGrad(2);
    expect(ops).not.toContain('ScatterND');
    // the one-hot matrix compared into place (Equal), not ONNX Runtime's slower OneHot
    expect(ops).toEqual(expect.arrayContaining(['Equal', 'Gemm']));
    expect(ops).not.toContain('OneHot');
    expect(got).toEqual(want);
  });
});
