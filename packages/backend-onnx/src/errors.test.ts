import { add, Tensor, tensor } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import { createOnnxBackend, OnnxStorage } from './index.js';

describe('onnx backend errors', () => {
  it('a tensor whose value is still pending in a compiled graph cannot be computed with or read', () => {
    const be = createOnnxBackend('onnx');
    const pending = new OnnxStorage(null, [2], 'float32', { graph: {}, name: 'v' });
    const t = new Tensor(be, pending, [2], 'float32');
    const x = tensor([1, 2], [2], 'float32', be);
    const msg = /tensor \[2\] belongs to a compiled graph/;
    expect(() => add(t, x)).toThrow(msg);
    expect(() => t.dataSync()).toThrow(msg);
  });

  it('rejects names it does not register', () => {
    expect(() => createOnnxBackend('onnx-gpu' as 'onnx')).toThrow(/use 'onnx' or 'onnx-cuda'/);
  });
});
