import type { Tensor } from '@rnnkit/core';
import * as ort from 'onnxruntime-node';

export { ort };

/** An ONNX Runtime (CPU) session over model bytes. */
export function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
}

export function ortFloat(t: Tensor): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.from(t.dataSync()), [...t.shape]);
}

export function ortInt64(data: ArrayLike<number>, shape: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(data, (v) => BigInt(v))), shape);
}

export async function runOrt(
  s: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const out = await s.run(feeds);
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { data: v.data as Float32Array, dims: v.dims }]),
  );
}
