import { RnnkitError } from '@rnnkit/core';
import type { CellDef } from './cell-def.js';
import { cellDef } from './registry.js';

/**
 * The one place where rnnkit's (PyTorch's) recurrent weight layout meets ONNX's.
 *
 * rnnkit/PyTorch per direction: W_ih [G·H, I], W_hh [G·H, H], b_ih [G·H], b_hh [G·H], gate blocks
 *   LSTM i, f, g, o; GRU r, z, n; peepholes [3, H] rows i, f, o.
 * ONNX RNN/LSTM/GRU: W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H] (= [Wb, Rb]), gate blocks
 *   LSTM i, o, f, c; GRU z, r, h; P [D, 3H] as i, o, f.
 */

/**
 * For each rnnkit gate block of a cell (by registry name or definition), the index of the same
 * gate in ONNX's order; throws naming the cell when it has no ONNX operator.
 */
export function onnxGateOrder(kind: string | CellDef): number[] {
  const def = typeof kind === 'string' ? cellDef(kind) : kind;
  if (!def.onnx)
    throw new RnnkitError(
      `the ${def.title} cell ('${def.kind}') has no ONNX recurrent operator, so its weights have no ONNX layout`,
    );
  return [...def.onnx.gateOrder];
}

/** Peephole rows i, f, o → ONNX P blocks i, o, f. */
const PEEP_TO_ONNX = [0, 2, 1];

/** Host weights of one direction in rnnkit layout. */
export interface HostCellWeights {
  weightIh: Float32Array;
  weightHh: Float32Array | null;
  biasIh: Float32Array | null;
  biasHh: Float32Array | null;
  peephole: Float32Array | null;
}

/** Host ONNX inputs for all directions (flat, row-major). */
export interface OnnxWeights {
  W: Float32Array;
  R: Float32Array;
  B: Float32Array | null;
  P: Float32Array | null;
}

/** Moves blocks of `blockLen` elements: out block order[k] = in block k (or the inverse). */
function permuteBlocks(
  src: Float32Array,
  blockLen: number,
  order: number[],
  inverse: boolean,
): Float32Array {
  const out = new Float32Array(src.length);
  for (let k = 0; k < order.length; k++) {
    const [from, to] = inverse ? [order[k], k] : [k, order[k]];
    out.set(src.subarray(from * blockLen, (from + 1) * blockLen), to * blockLen);
  }
  return out;
}

/** Converts per-direction rnnkit weights to ONNX's W, R, B (and P for peepholes). */
export function toOnnxWeights(
  kind: string | CellDef,
  dirs: HostCellWeights[],
  hiddenSize: number,
): OnnxWeights {
  const H = hiddenSize;
  const order = onnxGateOrder(kind);
  const G = order.length;
  const I = dirs[0].weightIh.length / (G * H);
  const D = dirs.length;
  const W = new Float32Array(D * G * H * I);
  const R = new Float32Array(D * G * H * H);
  const hasBias = dirs[0].biasIh !== null;
  const B = hasBias ? new Float32Array(D * 2 * G * H) : null;
  const hasPeep = dirs[0].peephole !== null;
  const P = hasPeep ? new Float32Array(D * 3 * H) : null;
  dirs.forEach((w, d) => {
    W.set(permuteBlocks(w.weightIh, H * I, order, false), d * G * H * I);
    R.set(permuteBlocks(w.weightHh!, H * H, order, false), d * G * H * H);
    if (B) {
      B.set(permuteBlocks(w.biasIh!, H, order, false), d * 2 * G * H);
      B.set(permuteBlocks(w.biasHh!, H, order, false), d * 2 * G * H + G * H);
    }
    if (P) P.set(permuteBlocks(w.peephole!, H, PEEP_TO_ONNX, false), d * 3 * H);
  });
  return { W, R, B, P };
}

/** Converts ONNX W, R, B, P (all directions) to per-direction rnnkit weights. */
export function fromOnnxWeights(
  kind: string | CellDef,
  onnx: OnnxWeights,
  numDirections: number,
  hiddenSize: number,
): HostCellWeights[] {
  const H = hiddenSize;
  const order = onnxGateOrder(kind);
  const G = order.length;
  const D = numDirections;
  if (onnx.W.length % (D * G * H) !== 0 || onnx.R.length !== D * G * H * H) {
    throw new RnnkitError(
      `ONNX ${typeof kind === 'string' ? kind.toUpperCase() : kind.onnx!.op} weights do not fit ${D} direction(s) of hidden size ${H}: W has ${onnx.W.length} values, R ${onnx.R.length}`,
    );
  }
  const I = onnx.W.length / (D * G * H);
  const out: HostCellWeights[] = [];
  for (let d = 0; d < D; d++) {
    const part = (a: Float32Array, size: number, off: number) =>
      a.subarray(d * size + off, d * size + off + size);
    out.push({
      weightIh: permuteBlocks(part(onnx.W, G * H * I, 0), H * I, order, true),
      weightHh: permuteBlocks(part(onnx.R, G * H * H, 0), H * H, order, true),
      biasIh: onnx.B
        ? permuteBlocks(onnx.B.subarray(d * 2 * G * H, d * 2 * G * H + G * H), H, order, true)
        : null,
      biasHh: onnx.B
        ? permuteBlocks(onnx.B.subarray(d * 2 * G * H + G * H, (d + 1) * 2 * G * H), H, order, true)
        : null,
      peephole: onnx.P ? permuteBlocks(part(onnx.P, 3 * H, 0), H, PEEP_TO_ONNX, true) : null,
    });
  }
  return out;
}
