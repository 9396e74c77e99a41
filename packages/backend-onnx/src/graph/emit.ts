import type { DType, Shape } from '@rnnkit/core';
import { floatTensor, type GraphBuilder } from '@rnnkit/onnx/format';

/** A value in the graph being built: its name there, and the shape and dtype core knows it has. */
export interface Val {
  readonly name: string;
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * Where a kernel's ONNX nodes go. The same lowering serves eager calls (a one-kernel graph,
 * cached as a session) and `compile` (the nodes join the traced graph).
 */
export interface Emit {
  readonly g: GraphBuilder;
  /** A 1-D int64 constant (axes, shapes, slice bounds). */
  ints(data: readonly number[]): string;
  /** A float32 scalar constant, baked into the graph. */
  constF(v: number): string;
  /** How this runtime wants some operators written (see LoweringOptions). */
  readonly lowering: LoweringOptions;
}

/**
 * Per-runtime choices of how kernels are written as ONNX nodes, for execution providers that get
 * some operators wrong. Node's runtime uses none.
 */
export interface LoweringOptions {
  /**
   * Split gets its part sizes as an explicit input instead of dividing its input equally.
   * ONNX Runtime Web's WebGPU provider (1.30) gave zero-sized parts for an equal Split of an input
   * whose dimensions the graph leaves symbolic; with this option its kernel graphs outside
   * `compile` are also built with the call's own dimensions, so the sizes are known (the other
   * options below read shapes too).
   */
  readonly explicitSplit?: boolean;
  /**
   * Log(0) is made −Infinity with a Where: ONNX Runtime Web's WebGPU Log clamps its input and
   * gave −88.03 for log(0).
   */
  readonly logZero?: boolean;
  /**
   * x ** 0.5 is Sqrt and x ** −1 is Reciprocal: WebGPU's Pow computes through exp2 and log2 and
   * gave 9 ** 0.5 = 3.0000002 and 9 ** −1 a unit in the last place off (other exponents keep Pow).
   */
  readonly exactPow?: boolean;
  /**
   * ArgMax is the first index where a row equals its ReduceMax: WebGPU's ArgMax returned wrong
   * indices for rows of 9 (rows of [6, 9] in [−3, 3]).
   */
  readonly argmaxByMax?: boolean;
  /**
   * A matrix product with an empty inner dimension (k = 0) is zeros of its shape: WebGPU's
   * MatMul and Gemm refuse zero-sized inputs.
   */
  readonly emptyProduct?: boolean;
  /**
   * The most inputs one Concat takes; more are joined by Concats of Concats. WebGPU binds each
   * input and the output of a node as a storage buffer, ONNX Runtime Web asks for no more than
   * WebGPU's default limit of 8 per shader stage, and a Concat of 8 or more inputs failed
   * validation there ("Invalid ComputePipeline") and left its output unwritten (zeros).
   */
  readonly maxConcatInputs?: number;
}

/** The lowering choices for ONNX Runtime Web's WebGPU provider (1.30); see LoweringOptions. */
export const WEBGPU_LOWERING: LoweringOptions = {
  explicitSplit: true,
  logZero: true,
  exactPow: true,
  argmaxByMax: true,
  emptyProduct: true,
  maxConcatInputs: 7,
};

/**
 * A kernel as ONNX nodes: gets its tensor inputs and the names of its float scalar parameters
 * (fed at run time, so one graph serves every value: learning rates, affine factors, clip
 * bounds), emits nodes and returns the names of its outputs.
 */
export type Lower = (e: Emit, x: readonly Val[], s: readonly string[]) => string[];

/** What a backend kernel asks to run: a cache key for its graph (attributes baked into the graph), inputs, scalars and outputs. */
export interface KernelCall {
  /** Kernel name and every attribute the lowering bakes in (axes, perms, flags), e.g. 'sum|0,2'. */
  readonly key: string;
  readonly scalars: readonly number[];
  readonly outDtypes: readonly DType[];
  readonly lower: Lower;
}

/** Emit on top of a GraphBuilder. */
export function emitter(g: GraphBuilder, lowering: LoweringOptions = {}): Emit {
  // one initializer per distinct float constant (1 − x and x > 0 recur in every cell)
  const floats = new Map<FloatKey, string>();
  return {
    g,
    lowering,
    ints: (data) => g.int64('c', data),
    constF: (v) => {
      const key = floatKey(v);
      let name = floats.get(key);
      if (name === undefined) {
        // `fresh` already reserves the name, so `g.float` (which claims it again) would throw
        name = g.fresh('f');
        g.initializers.push(floatTensor(name, [], new Float32Array([v])));
        floats.set(key, name);
      }
      return name;
    },
  };
}

/** A float as a Map key: Map keys do not tell −0 from 0, and the graphs must. */
export type FloatKey = number | '-0';
export function floatKey(v: number): FloatKey {
  return Object.is(v, -0) ? '-0' : v;
}
