import { add, slice, type Tensor } from '@rnnkit/core';
import type { CellWeights, Prepared, StepConfig } from './cell-def.js';

/** The bias added to the input projection: b_ih, plus b_hh where the cell folds it (a new tensor then). */
export function inputBias(cfg: StepConfig, w: CellWeights): Tensor | null {
  if (cfg.cell.foldsHiddenBias && w.biasHh) return w.biasIh ? add(w.biasIh, w.biasHh) : w.biasHh;
  return w.biasIh;
}

export function prepare(cfg: StepConfig, w: CellWeights): Prepared {
  return cfg.cell.prepare ? cfg.cell.prepare(cfg, w) : { w };
}

/** Columns [from, from + width) of a [B, N] tensor: one gate block of a projection. */
export function cols(x: Tensor, from: number, width: number): Tensor {
  return slice(x, [0, from], [x.shape[0], width]);
}

/** Parameter shapes of a cell with G gate blocks: W_ih [G·H, I], W_hh [G·H, H], b_ih, b_hh [G·H]. */
export function gatedShapes(
  G: number,
  s: { inputSize: number; hiddenSize: number; bias: boolean },
  recurrent = true,
): Record<string, number[]> {
  const H = s.hiddenSize;
  const out: Record<string, number[]> = { weightIh: [G * H, s.inputSize] };
  if (recurrent) out.weightHh = [G * H, H];
  if (s.bias) {
    out.biasIh = [G * H];
    if (recurrent) out.biasHh = [G * H];
  }
  return out;
}
