import { type Backend, type Rng, RnnkitError } from '@rnnkit/core';
import { CharLM } from './char-lm.js';
import type { CellName } from './make-layer.js';

/**
 * A CharLM's dimensions as a checkpoint records them (apps/char-text's `config.model`, which the
 * playground writes and reads too): JSON, so a model saved by one app is rebuilt by the other
 * before its weights load.
 */
export interface CharLMConfig {
  cell: CellName;
  hiddenSize: number;
  numLayers: number;
  embeddingDim: number;
  dropout: number;
  vocabSize: number;
}

const FIELDS: readonly (keyof CharLMConfig)[] = [
  'cell',
  'hiddenSize',
  'numLayers',
  'embeddingDim',
  'dropout',
  'vocabSize',
];

/**
 * The CharLM a saved config describes, with fresh weights drawn from `rng` (load the saved ones
 * next). The config usually comes from a file, so a missing field or a bad value gives an error
 * that names `source` (the file) and the field; CharLM itself checks each value.
 */
export function charLMFromConfig(
  config: CharLMConfig,
  o: { rng: Rng; backend?: Backend; source?: string },
): CharLM {
  const source = o.source ?? 'CharLM config';
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new RnnkitError(
      `${source}: the model config must be an object with ${FIELDS.join(', ')}; got ${config === null ? 'null' : typeof config}`,
    );
  const missing = FIELDS.filter((k) => config[k] === undefined);
  if (missing.length)
    throw new RnnkitError(
      `${source}: the model config lacks ${missing.join(', ')} (a CharLM config holds ${FIELDS.join(', ')})`,
    );
  try {
    return new CharLM({
      vocabSize: config.vocabSize,
      embeddingDim: config.embeddingDim,
      hiddenSize: config.hiddenSize,
      numLayers: config.numLayers,
      cell: config.cell,
      dropout: config.dropout,
      rng: o.rng,
      backend: o.backend,
    });
  } catch (e) {
    if (!(e instanceof RnnkitError) || !o.source) throw e;
    throw new RnnkitError(`${source}: ${e.message}`, { cause: e });
  }
}
