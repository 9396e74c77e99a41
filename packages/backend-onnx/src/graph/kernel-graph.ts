import type { KernelTensor } from '@rnnkit/core';
import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import { NO_LOOPS } from '../runtime/protocol.js';
import type { OnnxStorage } from '../storage.js';
import { emitter, type KernelCall, type LoweringOptions, type Val } from './emit.js';
import type { BuiltGraph } from './graph-cache.js';

type KT = KernelTensor<OnnxStorage>;

export const onnxType = (dtype: string): number =>
  dtype === 'int32' ? DataType.INT32 : DataType.FLOAT;

/**
 * The cache key of a kernel call run outside `compile`: the kernel (with the attributes its
 * lowering bakes in), its inputs' dtypes and ranks, so one graph serves every shape of that rank;
 * with `lowering.explicitSplit`, its inputs' shapes (one graph per shape: the lowering bakes
 * sizes in).
 */
export function kernelSignature(
  call: KernelCall,
  ins: readonly KT[],
  lowering: LoweringOptions = {},
): string {
  const concrete = lowering.explicitSplit === true;
  const arg = (x: KT) => `${x.dtype[0]}${concrete ? `[${x.shape.join(',')}]` : x.shape.length}`;
  return `${call.key}|${ins.map(arg).join(',')}`;
}

/**
 * A kernel call as a one-kernel ONNX graph with symbolic dimensions (with
 * `lowering.explicitSplit`, the call's own dimensions): inputs `x0…`, then the float scalars
 * `s0…`, outputs `y0…`. Every runtime runs kernels outside `compile` this way.
 */
export function kernelGraph(
  call: KernelCall,
  ins: readonly KT[],
  lowering: LoweringOptions = {},
): BuiltGraph {
  const concrete = lowering.explicitSplit === true;
  const g = new GraphBuilder('kernel');
  const vals: Val[] = ins.map((x, i) => {
    const name = g.input(
      `x${i}`,
      onnxType(x.dtype),
      concrete ? x.shape : x.shape.map((_, d) => `x${i}_${d}`),
    );
    return { name, shape: x.shape, dtype: x.dtype };
  });
  const scalars = call.scalars.map((_, i) => g.input(`s${i}`, DataType.FLOAT, []));
  const outs = call.lower(emitter(g, lowering), vals, scalars);
  const names = outs.map((o, i) => g.output(`y${i}`, onnxType(call.outDtypes[i]), [], o));
  // outputs of unknown rank: drop the (empty) shape so ONNX Runtime does not check it
  for (const o of g.outputs) delete o.type?.tensor_type?.shape;
  return {
    model: g.encode(),
    inputs: [...vals.map((v) => v.name), ...scalars],
    outputs: names,
    ...NO_LOOPS,
    // one graph serves every shape of the call: never counted as large (LARGE_GRAPH_BYTES)
    inputBytes: 0,
  };
}
