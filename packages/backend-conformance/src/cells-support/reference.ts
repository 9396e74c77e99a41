import { cellDef, type RefCellWeights } from '@rnnkit/cells';

/**
 * A float64 reference of @rnnkit/cells' recurrent layers and cells, written as plain loops over
 * batch, time and units, independent of the code under test (no tensors, no scan, no masks, no
 * parallel forms). One step of each cell is its definition's `reference` (the equations spelled
 * out in the cell's file); the cell gradient checks take central differences of it.
 *
 * Values are flat row-major number arrays keyed by the layer's parameter names (weightIhL0,
 * biasHhL1Reverse, peepholeL0, …) plus `x`, `h0` and, for LSTM, `c0`.
 */

/** A registered cell kind ('lstm'). */
export type RefKind = string;

export interface RefConfig {
  kind: RefKind;
  inputSize: number;
  hiddenSize: number;
  numLayers?: number;
  bidirectional?: boolean;
  bias?: boolean;
  batchFirst?: boolean;
  returnSequences?: boolean;
  nonlinearity?: 'tanh' | 'relu' | 'linear';
  /** GRU (default true). */
  resetAfter?: boolean;
  /** LSTM: peephole weights [3, H] rows i, f, o. */
  peephole?: boolean;
}

export type RefValues = Record<string, readonly number[]>;

export interface RefOutput {
  /** [B, T, D·H] (batchFirst) or [T, B, D·H]; [B, D·H] when returnSequences is false. */
  output: number[];
  /** [L·D, B, H]. */
  hn: number[];
  /** LSTM only, [L·D, B, H]. */
  cn?: number[];
}

export type { RefCellWeights };

/** One step of one sequence: x [I], h [H], c [H] (cells with a cell state) → new h, c. */
export function refStep(
  cfg: Pick<RefConfig, 'kind' | 'hiddenSize' | 'nonlinearity' | 'resetAfter' | 'peephole'>,
  w: RefCellWeights,
  x: readonly number[],
  h: readonly number[],
  c?: readonly number[],
): { h: number[]; c?: number[] } {
  const { kind, hiddenSize, ...settings } = cfg;
  return cellDef(kind).reference(settings, hiddenSize, w, x, h, c);
}

function sfx(l: number, d: number): string {
  return `L${l}${d === 1 ? 'Reverse' : ''}`;
}

/**
 * The whole layer stack. `x` is [B, T, I] (batchFirst, default) or [T, B, I]; `h0`/`c0`
 * [L·D, B, H] (zeros when absent). With `lengths`, sequence b uses steps 0…lengths[b]−1 only (the
 * reverse direction starts at its last valid step), outputs past its length are 0 and its final
 * state is the state after its last valid step — as PyTorch's packed sequences.
 */
export function refLayer(
  cfg: RefConfig,
  v: RefValues,
  dims: { batch: number; time: number },
  lengths?: readonly number[],
): RefOutput {
  const { batch: B, time: T } = dims;
  const H = cfg.hiddenSize;
  const L = cfg.numLayers ?? 1;
  const D = cfg.bidirectional ? 2 : 1;
  const bf = cfg.batchFirst ?? true;
  const lens = lengths ?? new Array<number>(B).fill(T);
  // the cell and its settings once per layer stack, not per step (the gradient checks run this
  // twice per perturbed value); the settings are what refStep passes: cfg less kind and size
  const def = cellDef(cfg.kind);
  const { kind: _kind, hiddenSize: _size, ...settings } = cfg;
  const hasC = def.states.includes('c');
  // seq[b][t] = input vector of layer l at step t
  let seq: number[][][] = [];
  for (let b = 0; b < B; b++) {
    seq.push([]);
    for (let t = 0; t < T; t++) {
      const off = (bf ? b * T + t : t * B + b) * cfg.inputSize;
      seq[b].push(Array.from(v.x.slice(off, off + cfg.inputSize)));
    }
  }
  const hn = new Array<number>(L * D * B * H).fill(0);
  const cn = new Array<number>(L * D * B * H).fill(0);
  for (let l = 0; l < L; l++) {
    const next: number[][][] = seq.map(() =>
      Array.from({ length: T }, () => new Array<number>(D * H).fill(0)),
    );
    for (let d = 0; d < D; d++) {
      const s = sfx(l, d);
      const w: RefCellWeights = {
        weightIh: v[`weightIh${s}`],
        weightHh: v[`weightHh${s}`],
        biasIh: v[`biasIh${s}`],
        biasHh: v[`biasHh${s}`],
        peephole: v[`peephole${s}`],
      };
      const k = l * D + d;
      for (let b = 0; b < B; b++) {
        const at = (k * B + b) * H;
        let h = v.h0 ? Array.from(v.h0.slice(at, at + H)) : new Array<number>(H).fill(0);
        let c: number[] | undefined;
        if (hasC) c = v.c0 ? Array.from(v.c0.slice(at, at + H)) : new Array<number>(H).fill(0);
        for (let i = 0; i < lens[b]; i++) {
          const t = d === 1 ? lens[b] - 1 - i : i;
          const r = def.reference(settings, H, w, seq[b][t], h, c);
          h = r.h;
          c = r.c;
          for (let j = 0; j < H; j++) next[b][t][d * H + j] = h[j];
        }
        for (let j = 0; j < H; j++) {
          hn[at + j] = h[j];
          if (c) cn[at + j] = c[j];
        }
      }
    }
    seq = next;
  }
  let output: number[] = [];
  if (cfg.returnSequences ?? true) {
    if (bf) for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) output.push(...seq[b][t]);
    else for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) output.push(...seq[b][t]);
  } else {
    // concat of the top layer's final states over directions: [B, D·H]
    output = [];
    for (let b = 0; b < B; b++)
      for (let d = 0; d < D; d++) {
        const at = (((L - 1) * D + d) * B + b) * H;
        output.push(...hn.slice(at, at + H));
      }
  }
  return hasC ? { output, hn, cn } : { output, hn };
}
