import type { CellName, CharLMConfig } from '@rnnkit/cells';
import { RnnkitError } from '@rnnkit/core';
import type { VocabularyJSON } from '@rnnkit/data';

export const APP = 'rnnkit-char-text';
export const CONFIG_VERSION = 1;

/** Where the text came from, enough to read it again on resume. */
export type CorpusRef =
  | { kind: 'file'; path: string }
  | { kind: 'sotu'; from?: number; to?: number }
  | { kind: 'tinyshakespeare' };

/**
 * The model, rebuilt from a checkpoint by `sample`, `eval` and `resume` (and by the playground,
 * which reads and writes these checkpoints too): @rnnkit/cells' CharLMConfig.
 */
export type ModelConfig = CharLMConfig;

/** How training runs (saved so `resume` continues with the same settings). */
export interface TrainConfig {
  batch: number;
  seq: number;
  lr: number;
  clip: number;
  seed: number;
  validationFraction: number;
  /** Characters of the validation part used at each in-training validation (0: all). */
  valChars: number;
  validateEvery: number;
  checkpointEvery: number;
  /** Characters sampled at each validation (0: none). */
  sampleLength: number;
  backend: string;
  /** Training steps per backend call (the Trainer's stepsPerCall; left out, the Trainer sizes the calls). */
  stepsPerCall?: number;
  epochs?: number;
  minutes?: number;
  steps?: number;
}

/** The JSON stored as the checkpoint's `config`. */
export interface RunConfig {
  app: typeof APP;
  version: typeof CONFIG_VERSION;
  corpus: CorpusRef & { name: string; chars: number; sha256: string };
  model: ModelConfig;
  vocabulary: VocabularyJSON;
  train: TrainConfig;
}

/** Stored as the checkpoint's `extra`: training time so far (for `--minutes` budgets across resumes). */
export interface RunExtra {
  elapsedSeconds: number;
}

export const DEFAULTS = {
  cell: 'lstm' as CellName,
  hidden: 128,
  layers: 1,
  dropout: 0,
  seq: 64,
  batch: 32,
  lr: 2e-3,
  clip: 5,
  seed: 0,
  validationFraction: 0.1,
  valChars: 16_384,
  validateEvery: 100,
  sampleLength: 200,
  sampleTemperature: 0.8,
  minutes: 10,
  backend: 'auto',
};

/** Checks a checkpoint's config is this app's, so a foreign file gives a clear error. */
export function parseRunConfig(config: unknown, source: string): RunConfig {
  const c = config as Partial<RunConfig> | undefined;
  if (!c || c.app !== APP) {
    throw new RnnkitError(
      `${source} is an rnnkit checkpoint but not from ${APP} (no char-text config in it)`,
    );
  }
  if (c.version !== CONFIG_VERSION)
    throw new RnnkitError(
      `${source} has config version ${c.version}; this ${APP} reads version ${CONFIG_VERSION}`,
    );
  if (!c.model || !c.vocabulary || !c.train || !c.corpus)
    throw new RnnkitError(`${source}: its config lacks model, vocabulary, train or corpus`);
  return c as RunConfig;
}
