/** Element types a tensor may hold. Float tensors carry values; int32 carries indices and labels. */
export type DType = 'float32' | 'int32';

export type TypedArray = Float32Array | Int32Array;

export type Shape = readonly number[];

export function arrayFor(dtype: DType, size: number): TypedArray {
  return dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
}
