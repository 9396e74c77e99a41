import { matmul } from '@rnnkit/core/gemm';
import * as tf from '@tensorflow/tfjs-core';
import {
  nativeGatherRows,
  nativeOneHot,
  nativePick,
  nativeSlice,
  nativeSplitCols,
  nativeStack,
  nativeTanhGrad,
  nativeUnstack,
} from './native-kernels.js';

/**
 * Data-movement kernels registered with TensorFlow.js's own kernel registry (`tf.registerKernel`)
 * for the cpu and wasm backends. The stock kernels are fine for compute but pathological for
 * the access patterns of a recurrent network:
 *
 * - wasm `Slice` copies the whole input out of the wasm heap for every slice, so unstacking a
 *   [T, B, G] sequence costs O(T²·B·G); cpu `Slice` of a non-contiguous block and `GatherV2`
 *   walk the output element by element through index arrays.
 * - wasm `GatherV2` (C++) copies element by element as well.
 *
 * These versions copy contiguous runs straight between the backends' own buffers (the JS
 * arrays of tfjs-cpu, views of the wasm heap for tfjs-wasm). They run through
 * `tf.engine().runKernel`, so their results are ordinary tf.Tensors that `tf.tidy` tracks.
 * Every body writes every output element: memory from the wasm heap is not zeroed.
 */

type Arr = Float32Array | Int32Array | Uint8Array;

interface Info {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}

/** The two backend interfaces these kernels use (public methods of tfjs-cpu and tfjs-wasm). */
interface CpuBackend {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: unknown): Info;
}
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Info;
  typedArrayFromHeap(t: Info): Arr;
}

interface HostKernel {
  name: string;
  /** Input names; empty for a variadic kernel (inputs x0, x1, ...). */
  inputs: string[];
  /** Output dtype (default: the first input's). */
  dtype?: tf.DataType;
  /** Output shape from the input shapes and attributes. */
  shape: (shapes: number[][], attrs: tf.NamedAttrMap) => number[];
  /** Computes into `out` from the inputs' values (views valid only during the call). */
  body: (ins: Arr[], out: Arr, shapes: number[][], attrs: tf.NamedAttrMap) => void;
  /** Kernels with several outputs give their shapes here and fill `outs` in `bodyMulti`. */
  shapes?: (shapes: number[][], attrs: tf.NamedAttrMap) => number[][];
  bodyMulti?: (ins: Arr[], outs: Arr[], shapes: number[][], attrs: tf.NamedAttrMap) => void;
}

function arrayFor(dtype: tf.DataType, n: number): Arr {
  return dtype === 'int32'
    ? new Int32Array(n)
    : dtype === 'bool'
      ? new Uint8Array(n)
      : new Float32Array(n);
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function register(k: HostKernel, backendName: 'cpu' | 'wasm'): void {
  if (tf.getKernel(k.name, backendName)) return;
  tf.registerKernel({
    kernelName: k.name,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      // a variadic kernel takes its inputs as x0, x1, ... in order
      const names = k.inputs.length ? k.inputs : Object.keys(inputs).map((_, i) => `x${i}`);
      const ins = names.map((n) => inputs[n] as Info);
      const shapes = ins.map((t) => t.shape);
      const dtype = k.dtype ?? ins[0].dtype;
      const a = attrs ?? {};
      if (k.shapes && k.bodyMulti) {
        const outShapes = k.shapes(shapes, a);
        if (backendName === 'cpu') {
          const be = backend as CpuBackend;
          const outs = outShapes.map((s) => arrayFor(dtype, sizeOf(s)));
          k.bodyMulti(
            ins.map((t) => be.readSync(t.dataId) as Arr),
            outs,
            shapes,
            a,
          );
          return outs.map((o, i) => be.makeTensorInfo(outShapes[i], dtype, o));
        }
        const be = backend as WasmBackend;
        const outs = outShapes.map((s) => be.makeOutput(s, dtype));
        k.bodyMulti(
          ins.map((t) => be.typedArrayFromHeap(t)),
          outs.map((o) => be.typedArrayFromHeap(o)),
          shapes,
          a,
        );
        return outs;
      }
      const outShape = k.shape(shapes, a);
      if (backendName === 'cpu') {
        const be = backend as CpuBackend;
        const out = arrayFor(dtype, sizeOf(outShape));
        k.body(
          ins.map((t) => be.readSync(t.dataId) as Arr),
          out,
          shapes,
          attrs ?? {},
        );
        return be.makeTensorInfo(outShape, dtype, out);
      }
      const be = backend as WasmBackend;
      // Allocate first: growing the heap detaches earlier views.
      const out = be.makeOutput(outShape, dtype);
      k.body(
        ins.map((t) => be.typedArrayFromHeap(t)),
        be.typedArrayFromHeap(out),
        shapes,
        attrs ?? {},
      );
      return out;
    },
  });
}

/** x[begin : begin + size] for any rank: copies the innermost contiguous runs. */
const SLICE: HostKernel = {
  name: 'RnnkitSlice',
  inputs: ['x'],
  shape: (_, a) => [...(a.size as number[])],
  body: ([x], out, [shape], a) => {
    const begin = a.begin as number[];
    const size = a.size as number[];
    const rank = shape.length;
    if (sizeOf(size) === 0) return;
    // Merge trailing axes that are taken whole into one contiguous run.
    let inner = 1;
    let k = rank;
    while (k > 0 && begin[k - 1] === 0 && size[k - 1] === shape[k - 1]) {
      inner *= shape[k - 1];
      k--;
    }
    if (k === 0) {
      out.set(x.subarray(0, inner));
      return;
    }
    // Axis k-1 is partial: runs of size[k-1]·inner starting at begin[k-1]·inner.
    const run = size[k - 1] * inner;
    const strides = new Array<number>(k).fill(0);
    let acc = inner;
    for (let i = k - 1; i >= 0; i--) {
      strides[i] = acc;
      acc *= shape[i];
    }
    const outer = size.slice(0, k - 1);
    const n = sizeOf(outer);
    const idx = new Array<number>(k - 1).fill(0);
    let o = 0;
    for (let r = 0; r < n; r++) {
      let off = begin[k - 1] * inner;
      for (let i = 0; i < k - 1; i++) off += (begin[i] + idx[i]) * strides[i];
      out.set(x.subarray(off, off + run), o);
      o += run;
      for (let i = k - 2; i >= 0; i--) {
        if (++idx[i] < outer[i]) break;
        idx[i] = 0;
      }
    }
  },
};

/** Rows of a 2-D `table` at int32 `indices` [N] → [N, D]. */
const GATHER_ROWS: HostKernel = {
  name: 'RnnkitGatherRows',
  inputs: ['table', 'indices'],
  shape: ([t, i]) => [i[0], t[1]],
  body: ([table, indices], out, [[v, d]]) => {
    for (let r = 0; r < indices.length; r++) {
      const row = indices[r];
      if (!(row >= 0 && row < v)) {
        throw new RangeError(
          `gather: index ${row} at position ${r} is outside the table's ${v} rows`,
        );
      }
      out.set(table.subarray(row * d, row * d + d), r * d);
    }
  },
};

/** x[i, labels[i]] for x [N, C] and int32 labels [N] → [N]. */
const PICK: HostKernel = {
  name: 'RnnkitPick',
  inputs: ['x', 'labels'],
  shape: ([x]) => [x[0]],
  body: ([x, labels], out, [[n, c]]) => {
    for (let i = 0; i < n; i++) {
      const l = labels[i];
      if (!(l >= 0 && l < c)) {
        throw new RangeError(`softmaxCrossEntropy: label ${l} in row ${i} is outside [0, ${c})`);
      }
      out[i] = x[i * c + l];
    }
  },
};

/**
 * One-hot float32 rows [N, depth] of int32 `indices` [N]; out-of-range indices give zero rows.
 * Not tf.oneHot: it needs depth ≥ 2 and its float output is wrong on tfjs-wasm 4.22 (integer bit
 * patterns); tf.equal against a range works but is slow on wasm (tooling/bench/README.md).
 */
const ONE_HOT: HostKernel = {
  name: 'RnnkitOneHot',
  inputs: ['indices'],
  dtype: 'float32',
  shape: ([i], a) => [i[0], a.depth as number],
  body: ([indices], out, _, a) => {
    const depth = a.depth as number;
    out.fill(0); // wasm heap memory is not zeroed
    for (let r = 0; r < indices.length; r++) {
      const k = indices[r];
      if (k >= 0 && k < depth) out[r * depth + k] = 1;
    }
  },
};

/** Any permutation of axes (tfjs-cpu's own transpose computes an index per element). */
const TRANSPOSE: HostKernel = {
  name: 'RnnkitTranspose',
  inputs: ['x'],
  shape: ([s], a) => (a.perm as number[]).map((p) => s[p]),
  body: ([x], out, [shape], a) => {
    const perm = a.perm as number[];
    const rank = shape.length;
    const inStrides = new Array<number>(rank);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      inStrides[i] = acc;
      acc *= shape[i];
    }
    const outShape = perm.map((p) => shape[p]);
    const step = perm.map((p) => inStrides[p]);
    const n = out.length;
    if (n === 0) return;
    const last = rank - 1;
    const idx = new Array<number>(rank).fill(0);
    let src = 0;
    const inner = outShape[last];
    const innerStep = step[last];
    for (let o = 0; o < n; o += inner) {
      for (let j = 0, q = src; j < inner; j++, q += innerStep) out[o + j] = x[q];
      for (let i = last - 1; i >= 0; i--) {
        src += step[i];
        if (++idx[i] < outShape[i]) break;
        src -= step[i] * outShape[i];
        idx[i] = 0;
      }
    }
  },
};

/** A 2-D x [R, n·w] cut into its n column blocks [R, w] (one kernel call, n outputs). */
const SPLIT_COLS: HostKernel = {
  name: 'RnnkitSplitCols',
  inputs: ['x'],
  shape: () => [],
  body: () => {},
  shapes: ([[r, c]], a) => {
    const n = a.n as number;
    return Array.from({ length: n }, () => [r, c / n]);
  },
  bodyMulti: ([x], outs, [[r, c]]) => {
    const w = c / outs.length;
    for (let k = 0; k < outs.length; k++) {
      const o = outs[k];
      for (let i = 0; i < r; i++) o.set(x.subarray(i * c + k * w, i * c + k * w + w), i * w);
    }
  },
};

/** dy ⊙ (1 − y²): the tanh derivative from the output y, in one call instead of three ops. */
const TANH_GRAD: HostKernel = {
  name: 'RnnkitTanhGrad',
  inputs: ['y', 'dy'],
  shape: ([s]) => s,
  body: ([y, dy], out) => {
    for (let i = 0; i < out.length; i++) out[i] = dy[i] * (1 - y[i] * y[i]);
  },
};

/**
 * op(a)·op(b) for 2-D float32 a and b, with the JS backend's packed GEMM. tfjs-cpu's own
 * BatchMatMul walks its operands element by element (several times slower than the packed kernel;
 * tooling/bench/README.md), and the products are most of a recurrent network's work.
 * Registered under rnnkit's own name, so tfjs code outside rnnkit keeps the stock kernel.
 */
const MAT_MUL: HostKernel = {
  name: 'RnnkitMatMul',
  inputs: ['a', 'b'],
  shape: ([sa, sb], a) => {
    const { m, n } = gemmDims(sa, sb, a);
    return [m, n];
  },
  body: ([x, y], out, [sa, sb], a) => product(x, y, out, sa, sb, a, false),
};

/** m, k, n and the transpose flags of op(a)·op(b) from the operands' shapes and attributes. */
function gemmDims(sa: number[], sb: number[], a: tf.NamedAttrMap) {
  const tA = a.transA as boolean;
  const tB = a.transB as boolean;
  return { tA, tB, m: tA ? sa[1] : sa[0], k: tA ? sa[0] : sa[1], n: tB ? sb[0] : sb[1] };
}

/** out (+)= op(x)·op(y) with the packed GEMM. */
function product(
  x: Arr,
  y: Arr,
  out: Arr,
  sa: number[],
  sb: number[],
  a: tf.NamedAttrMap,
  accumulate: boolean,
): void {
  const { tA, tB, m, k, n } = gemmDims(sa, sb, a);
  matmul(x as Float32Array, y as Float32Array, m, k, n, tA, tB, out as Float32Array, accumulate);
}

/**
 * The LSTM step without peepholes in one call: gates [B, 4H] (i, f, g, o) and c [B, H] →
 * h, c' [B, H] and the activated gates [B, 4H], where the tfjs ops take eleven kernel calls.
 * For small steps (sampling at batch 1) the calls' dispatch is most of the time.
 */
const LSTM_CELL: HostKernel = {
  name: 'RnnkitLstmCell',
  inputs: ['gates', 'c'],
  shape: () => [],
  body: () => {},
  shapes: ([, [b, h]]) => [
    [b, h],
    [b, h],
    [b, 4 * h],
  ],
  bodyMulti: ([gates, c], [h, cn, act], [, [B, H]]) => {
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    for (let b = 0; b < B; b++) {
      const g0 = b * 4 * H;
      const s0 = b * H;
      for (let j = 0; j < H; j++) {
        const i = sig(gates[g0 + j]);
        const f = sig(gates[g0 + H + j]);
        const g = Math.tanh(gates[g0 + 2 * H + j]);
        const o = sig(gates[g0 + 3 * H + j]);
        const cv = Math.fround(f * c[s0 + j] + i * g);
        cn[s0 + j] = cv;
        h[s0 + j] = o * Math.tanh(cv);
        act[g0 + j] = i;
        act[g0 + H + j] = f;
        act[g0 + 2 * H + j] = g;
        act[g0 + 3 * H + j] = o;
      }
    }
  },
};

/** c + op(a)·op(b) (torch.addmm), c [m, n] or a bias row [n], with the packed GEMM: one call. */
const ADDMM: HostKernel = {
  name: 'RnnkitAddmm',
  inputs: ['c', 'a', 'b'],
  shape: ([, sa, sb], a) => MAT_MUL.shape([sa, sb], a),
  body: ([c, x, y], out, [, sa, sb], a) => {
    if (c.length === out.length) out.set(c);
    else for (let i = 0; i < out.length; i += c.length) out.set(c, i);
    product(x, y, out, sa, sb, a, true);
  },
};

/** x [n, ...] → its n pieces along axis 0 (contiguous blocks), in one call. */
const UNSTACK: HostKernel = {
  name: 'RnnkitUnstack',
  inputs: ['x'],
  shape: () => [],
  body: () => {},
  shapes: ([[n, ...rest]]) => Array.from({ length: n }, () => rest),
  bodyMulti: ([x], outs) => {
    let at = 0;
    for (const o of outs) {
      o.set(x.subarray(at, at + o.length));
      at += o.length;
    }
  },
};

/** Equal-shaped x0, x1, ... → [n, ...] along a new axis 0, in one call. */
const STACK: HostKernel = {
  name: 'RnnkitStack',
  inputs: [],
  shape: (shapes) => [shapes.length, ...shapes[0]],
  body: (ins, out) => {
    let at = 0;
    for (const x of ins) {
      out.set(x, at);
      at += x.length;
    }
  },
};

const KERNELS = [
  SLICE,
  GATHER_ROWS,
  PICK,
  ONE_HOT,
  TRANSPOSE,
  SPLIT_COLS,
  TANH_GRAD,
  LSTM_CELL,
  UNSTACK,
  STACK,
];

/** Registers the kernels for one tfjs backend (once per process). */
export function registerHostKernels(backendName: 'cpu' | 'wasm'): void {
  for (const k of KERNELS) register(k, backendName);
  // the wasm backend's own product (XNNPACK) is the faster there
  if (backendName === 'cpu') {
    register(MAT_MUL, 'cpu');
    register(ADDMM, 'cpu');
  }
}

/** c + op(a)·op(b) on tfjs-cpu with the packed GEMM (see ADDMM). */
export function hostAddmm(
  c: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  transA: boolean,
  transB: boolean,
) {
  return run(ADDMM.name, { c, a, b }, { transA, transB });
}

/** op(a)·op(b) on tfjs-cpu with the packed GEMM (see MAT_MUL). */
export function hostMatMul(a: tf.Tensor, b: tf.Tensor, transA: boolean, transB: boolean) {
  return run(MAT_MUL.name, { a, b }, { transA, transB });
}

/**
 * Whether the active tfjs backend has the host kernels (cpu and wasm, whose tensors are typed
 * arrays the host can read); on webgl the host* functions below run stock tfjs ops instead.
 */
function hostReachable(): boolean {
  return tf.getKernel(SLICE.name, tf.getBackend()) !== undefined;
}

const run = (name: string, inputs: tf.NamedTensorMap, attrs: tf.NamedAttrMap = {}): tf.Tensor =>
  tf.engine().runKernel(name, inputs, attrs);

export function hostSlice(x: tf.Tensor, begin: readonly number[], size: readonly number[]) {
  if (!hostReachable()) return nativeSlice(x, begin, size);
  return run(SLICE.name, { x }, { begin: [...begin], size: [...size] });
}

export function hostGatherRows(table: tf.Tensor, indices: tf.Tensor) {
  if (!hostReachable()) return nativeGatherRows(table, indices);
  return run(GATHER_ROWS.name, { table, indices });
}

export function hostSplitCols(x: tf.Tensor, n: number): tf.Tensor[] {
  if (!hostReachable()) return nativeSplitCols(x, n);
  return tf.engine().runKernel(SPLIT_COLS.name, { x }, { n }) as tf.Tensor[];
}

export function hostOneHot(indices: tf.Tensor, depth: number) {
  if (!hostReachable()) return nativeOneHot(indices, depth);
  return run(ONE_HOT.name, { indices }, { depth });
}

export function hostTranspose(x: tf.Tensor, perm: readonly number[]) {
  return run(TRANSPOSE.name, { x }, { perm: [...perm] });
}

export function hostPick(x: tf.Tensor, labels: tf.Tensor) {
  if (!hostReachable()) return nativePick(x, labels);
  return run(PICK.name, { x, labels });
}

export function hostTanhGrad(y: tf.Tensor, dy: tf.Tensor) {
  if (!hostReachable()) return nativeTanhGrad(y, dy);
  return run(TANH_GRAD.name, { y, dy });
}

export function hostLstmCell(
  gates: tf.Tensor,
  c: tf.Tensor,
): { h: tf.Tensor; c: tf.Tensor; act: tf.Tensor } {
  const [h, cn, act] = tf.engine().runKernel(LSTM_CELL.name, { gates, c }, {}) as tf.Tensor[];
  return { h, c: cn, act };
}

export function hostUnstack(x: tf.Tensor): tf.Tensor[] {
  if (!hostReachable()) return nativeUnstack(x);
  return tf.engine().runKernel(UNSTACK.name, { x }, {}) as tf.Tensor[];
}

export function hostStack(xs: readonly tf.Tensor[]): tf.Tensor {
  if (!hostReachable()) return nativeStack(xs);
  return run(STACK.name, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
}
