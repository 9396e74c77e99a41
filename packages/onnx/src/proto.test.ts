import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, IR_VERSION, OPSET } from './builder.js';
import { ONNX_DESCRIPTOR } from './proto/onnx-descriptor.js';
import {
  attributeValue,
  DataType,
  decodeModel,
  encodeModel,
  FloatAttr,
  floatTensor,
  int64Tensor,
  makeAttribute,
  readTensor,
} from './proto.js';
import { loadBytes } from './test-utils/fixtures.js';

describe('ONNX protobuf codec', () => {
  it('the generated descriptor is the vendored onnx.proto (run `pnpm gen:proto` after changing it)', () => {
    const path = fileURLToPath(new URL('../proto/onnx.proto', import.meta.url));
    const parsed = protobuf.parse(readFileSync(path, 'utf8'), { keepCase: true }).root.toJSON();
    expect(JSON.parse(JSON.stringify(ONNX_DESCRIPTOR))).toEqual(JSON.parse(JSON.stringify(parsed)));
  });

  it('decodes a PyTorch export: IR version, opset, initializers in raw_data', () => {
    const m = decodeModel(loadBytes('torch_lstm_2l.onnx'));
    expect(m.ir_version).toBe(8);
    expect(m.opset_import[0].version).toBe(17);
    expect(m.producer_name).toBe('pytorch');
    const w = m.graph.initializer.find((t) => t.dims?.length === 3)!;
    const v = readTensor(w);
    expect(v.dtype).toBe('float32');
    expect(v.data.length).toBe(v.shape.reduce((a, b) => a * b, 1));
  });

  it('round-trips a model built with GraphBuilder', () => {
    const b = new GraphBuilder('g');
    b.input('x', DataType.FLOAT, ['batch', 3]);
    const w = b.float('w', [3, 2], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const y = b.op('MatMul', ['x', w]);
    b.output('y', DataType.FLOAT, ['batch', 2], y);
    const bytes = b.encode({ metadata: { k: 'v' } });
    const m = decodeModel(bytes);
    expect([m.ir_version, m.opset_import[0].version]).toEqual([IR_VERSION, OPSET]);
    expect(m.graph.node.map((n) => [n.op_type, n.input, n.output])).toEqual([
      ['MatMul', ['x', 'w'], ['y']],
    ]);
    expect(m.graph.input[0].type?.tensor_type?.shape?.dim).toEqual([
      { dim_param: 'batch' },
      { dim_value: 3 },
    ]);
    expect(Array.from(readTensor(m.graph.initializer[0]).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.metadata_props).toEqual([{ key: 'k', value: 'v' }]);
    expect(encodeModel(m)).toEqual(bytes);
  });

  it('reads int64, int32, double and typed-field tensors', () => {
    expect(readTensor(int64Tensor('a', [3], [0, -1, 2 ** 40])).data).toEqual([0, -1, 2 ** 40]);
    const raw = new Uint8Array(new BigInt64Array([5n, -7n]).buffer);
    expect(readTensor({ dims: [2], data_type: DataType.INT64, raw_data: raw }).data).toEqual([
      5, -7,
    ]);
    expect(readTensor({ dims: [2], data_type: DataType.INT32, int32_data: [1, 2] }).data).toEqual([
      1, 2,
    ]);
    expect(
      Array.from(readTensor({ dims: [2], data_type: DataType.DOUBLE, double_data: [0.5, 2] }).data),
    ).toEqual([0.5, 2]);
    expect(
      Array.from(readTensor({ dims: [1], data_type: DataType.FLOAT, float_data: [1.5] }).data),
    ).toEqual([1.5]);
    const f = floatTensor('f', [2], Float32Array.from([3, 4]));
    // an unaligned view into a larger buffer (as protobuf decoding hands out) still reads
    const big = new Uint8Array(9);
    big.set(f.raw_data!, 1);
    expect(Array.from(readTensor({ ...f, raw_data: big.subarray(1) }).data)).toEqual([3, 4]);
  });

  it('rejects what it cannot read, naming the tensor', () => {
    expect(() => readTensor({ name: 'h', dims: [1], data_type: DataType.FLOAT16 })).toThrow(
      /'h' has element type FLOAT16/,
    );
    expect(() =>
      readTensor({ name: 'e', dims: [1], data_type: DataType.FLOAT, data_location: 1 }),
    ).toThrow(/external file/);
    expect(() =>
      readTensor({ name: 's', dims: [3], data_type: DataType.FLOAT, float_data: [1] }),
    ).toThrow(/1 values for dims \[3\]/);
    expect(() => decodeModel(new TextEncoder().encode('not a model at all'))).toThrow(
      /not an ONNX model/,
    );
  });

  it('writes attributes with ONNX types', () => {
    expect(attributeValue(makeAttribute('a', 3))).toBe(3);
    expect(attributeValue(makeAttribute('a', new FloatAttr(0.5)))).toBe(0.5);
    expect(attributeValue(makeAttribute('a', 'forward'))).toBe('forward');
    expect(attributeValue(makeAttribute('a', ['Tanh', 'Relu']))).toEqual(['Tanh', 'Relu']);
    expect(attributeValue(makeAttribute('a', [0, 2, 1]))).toEqual([0, 2, 1]);
    expect(() => makeAttribute('a', 0.5)).toThrow(/FloatAttr/);
  });
});
