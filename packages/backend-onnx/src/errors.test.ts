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

  it('takes its thread count from RNNKIT_ONNX_THREADS (default 1) and names a bad value', () => {
    const saved = process.env.RNNKIT_ONNX_THREADS;
    try {
      delete process.env.RNNKIT_ONNX_THREADS;
      expect(createOnnxBackend('onnx').threads()).toBe(1);
      process.env.RNNKIT_ONNX_THREADS = '2';
      expect(createOnnxBackend('onnx').threads()).toBe(2);
      expect(createOnnxBackend('onnx', { threads: 3 }).threads()).toBe(3);
      process.env.RNNKIT_ONNX_THREADS = 'many';
      expect(() => createOnnxBackend('onnx')).toThrow(
        /RNNKIT_ONNX_THREADS must be a whole number of threads.*'many'/,
      );
    } finally {
      if (saved === undefined) delete process.env.RNNKIT_ONNX_THREADS;
      else process.env.RNNKIT_ONNX_THREADS = saved;
    }
  });

  it('rejects names it does not register', () => {
    expect(() => createOnnxBackend('onnx-gpu' as 'onnx')).toThrow(/use 'onnx' or 'onnx-cuda'/);
  });
});
