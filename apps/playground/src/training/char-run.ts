import {
  type CellName,
  type CharLM,
  type CharLMConfig,
  charLMFromConfig,
  type LayerState,
} from '@rnnkit/cells';
import { manualSeed, Rng, type Tensor } from '@rnnkit/core';
import { charTextData, type TextCorpus, type TokenBatch, type Vocabulary } from '@rnnkit/data';
import {
  Adam,
  type Carry,
  crossEntropy,
  type FitResult,
  type StepInfo,
  Trainer,
  type ValidationInfo,
} from '@rnnkit/train';

// Training a character model: the page's worker runs this, and the page test runs the same in
// Node to compare losses. No DOM, no Node built-ins.

/** What the char-text page lets a user choose (the same meaning as apps/char-text's flags). */
export interface CharSettings {
  cell: CellName;
  hidden: number;
  layers: number;
  embedding: number;
  batch: number;
  seq: number;
  lr: number;
  /** Gradient norm clipping (0: none). */
  clip: number;
  seed: number;
  /** Training stops after this many steps (or at the stop button). */
  steps: number;
  validateEvery: number;
  validationFraction: number;
  /** Characters of the validation part scored at each validation. */
  valChars: number;
}

export const CHAR_DEFAULTS: CharSettings = {
  cell: 'lstm',
  hidden: 64,
  layers: 1,
  embedding: 32,
  batch: 16,
  seq: 32,
  lr: 3e-3,
  clip: 5,
  seed: 0,
  steps: 300,
  validateEvery: 25,
  validationFraction: 0.1,
  valChars: 4096,
};

/** A trained (or loaded) model with what sampling and saving need. */
export interface CharModel {
  model: CharLM;
  vocabulary: Vocabulary;
  /** The model dimensions a checkpoint records (apps/char-text's config.model). */
  config: CharLMConfig;
  steps: number;
}

export interface CharHooks {
  onStep?(info: StepInfo): void;
  onValidation?(info: ValidationInfo): void;
  signal?: AbortSignal;
}

/**
 * Trains a CharLM on `corpus` with Adam and truncated BPTT (the state carries from batch to
 * batch), as apps/char-text does, seeded so that the same settings give the same losses on
 * every backend.
 */
export async function trainChars(
  corpus: TextCorpus,
  s: CharSettings,
  hooks: CharHooks = {},
): Promise<{ trained: CharModel; fit: FitResult }> {
  const data = charTextData(corpus, {
    batchSize: s.batch,
    seqLength: s.seq,
    validationFraction: s.validationFraction,
    maxValidationChars: s.valChars,
  });
  manualSeed(s.seed);
  const rng = new Rng(s.seed);
  const config: CharLMConfig = {
    cell: s.cell,
    hiddenSize: s.hidden,
    numLayers: s.layers,
    embeddingDim: s.embedding,
    dropout: 0,
    vocabSize: data.vocabulary.size,
  };
  const model = charLMFromConfig(config, { rng });
  const loss = (b: TokenBatch, carry: Carry | undefined): { loss: Tensor; carry: Carry } => {
    const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
    return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
  };
  const fit = await new Trainer().fit({
    model,
    optimizer: new Adam(model.parameters(), { lr: s.lr }),
    loss,
    train: data.train,
    validation: data.validation,
    tbptt: true,
    clipNorm: s.clip > 0 ? s.clip : undefined,
    maxSteps: s.steps,
    validateEvery: s.validateEvery,
    rngs: { model: rng },
    signal: hooks.signal,
    progress: 'none',
    callbacks: [{ onStep: hooks.onStep, onValidation: hooks.onValidation }],
  });
  return { trained: { model, vocabulary: data.vocabulary, config, steps: fit.steps }, fit };
}
