import { Rng, type Tensor, tensor } from '@rnnkit/core';
import type { RecurrentLayer, RecurrentOptions } from '../recurrent.js';
import { type CellTestVariant, cellDef, cellVariants } from '../registry.js';
import { seededValues } from './seeded.js';

/** A cell variant the tests sweep over: a registered cell and its settings. */
export type Variant = CellTestVariant;

/** Every registered cell's variants, read from the registry. */
export const VARIANTS: Variant[] = cellVariants();

export type LayerOptions = Omit<RecurrentOptions, 'inputSize' | 'hiddenSize'> & {
  inputSize: number;
  hiddenSize: number;
};

/** Builds the layer for a variant with seeded weights. */
export function buildLayer(v: Variant, o: LayerOptions, seed = 1): RecurrentLayer {
  const { name: _n, kind, ...settings } = v;
  return cellDef(kind).make({ ...o, ...settings, rng: new Rng(seed) });
}

/** A float32 tensor of seeded uniform(−scale, scale) values. */
export function seeded(shape: number[], seed: number, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(
    Float32Array.from(seededValues(n, seed), (v) => v * scale),
    shape,
  );
}
