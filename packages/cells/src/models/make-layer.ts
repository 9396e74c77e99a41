import { type OptionKeys, RnnkitError } from '@rnnkit/core';
import type { Nonlinearity } from '../cell-def.js';
import { RECURRENT_KEYS, type RecurrentLayer, type RecurrentOptions } from '../recurrent.js';
import { CELL_NAMES, cellChoice } from '../registry.js';

export { CELL_NAMES } from '../registry.js';

/** A cell name the models and apps accept: one of `CELL_NAMES` ('rnn', 'lstm', 'mingru', …). */
export type CellName = string;

export interface LayerChoice extends RecurrentOptions {
  cell: CellName;
  nonlinearity?: Nonlinearity;
  resetAfter?: boolean;
  forgetBias?: number;
}

export const LAYER_CHOICE_KEYS: OptionKeys<LayerChoice> = {
  ...RECURRENT_KEYS,
  cell: 'required',
  nonlinearity: 'optional',
  resetAfter: 'optional',
  forgetBias: 'optional',
};

/**
 * Builds the recurrent layer a model asked for by name, from the cell registry. Only the layer's
 * own options are passed on: a model's options (vocabSize, head, …) and the settings of other
 * cells are left out.
 */
export function makeLayer(o: LayerChoice): RecurrentLayer {
  const choice = cellChoice(o.cell);
  if (!choice)
    throw new RnnkitError(
      `unknown cell '${String(o.cell)}'; choose one of ${CELL_NAMES.join(', ')}`,
    );
  const { def, settings } = choice;
  const base = Object.fromEntries(
    Object.keys(RECURRENT_KEYS).map((k) => [k, o[k as keyof RecurrentOptions]]),
  ) as unknown as RecurrentOptions;
  const own = Object.fromEntries(
    def.settings.map((k) => [k, o[k as keyof LayerChoice]]).filter(([, v]) => v !== undefined),
  );
  return def.make({ ...base, ...own, ...settings });
}
