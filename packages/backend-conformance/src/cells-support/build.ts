import {
  type CellTestVariant,
  cellDef,
  cellVariants,
  type RecurrentLayer,
  type RecurrentOptions,
} from '@rnnkit/cells';
import { Rng, type Tensor } from '@rnnkit/core';
import { type Ctx, ft } from '../context.js';
import * as ref from '../reference.js';
import type { RefConfig } from './reference.js';

/** A cell variant the checks sweep over: a registered cell and its settings. */
export type Variant = CellTestVariant;

/** Every registered cell's variants, read from the cell registry of @rnnkit/cells. */
export const VARIANTS: Variant[] = cellVariants();

export type LayerOptions = Omit<
  RecurrentOptions,
  'inputSize' | 'hiddenSize' | 'backend' | 'rng'
> & {
  inputSize: number;
  hiddenSize: number;
};

/** Builds the layer for a variant with seeded weights, on the backend under test. */
export function buildLayer(ctx: Ctx, v: Variant, o: LayerOptions, seed: number): RecurrentLayer {
  const { name: _n, kind, ...settings } = v;
  return cellDef(kind).make({ ...o, ...settings, rng: new Rng(seed), backend: ctx.be() });
}

/** The float64 reference configuration matching `buildLayer`. */
export function refConfig(v: Variant, o: LayerOptions): RefConfig {
  return {
    kind: v.kind,
    inputSize: o.inputSize,
    hiddenSize: o.hiddenSize,
    numLayers: o.numLayers,
    bidirectional: o.bidirectional,
    bias: o.bias,
    batchFirst: o.batchFirst,
    returnSequences: o.returnSequences,
    nonlinearity: v.nonlinearity,
    resetAfter: v.resetAfter,
    peephole: v.peephole,
  };
}

/** A float32 tensor on the backend under test of seeded uniform(−scale, scale) values. */
export function seeded(ctx: Ctx, shape: number[], seed: number, scale = 1): Tensor {
  return ft(ctx, ref.rand(shape, seed, -scale, scale));
}
