import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CharLM, charLMFromConfig, type LayerState } from '@rnnkit/cells';
import { type Rng, RnnkitError, type Tensor } from '@rnnkit/core';
import { type TokenBatch, Vocabulary } from '@rnnkit/data';
import {
  type Carry,
  type CheckpointData,
  crossEntropy,
  loadCheckpoint,
  restoreModel,
} from '@rnnkit/train';
import { parseRunConfig, type RunConfig } from './config.js';

/** Mean cross-entropy (nats per character) of a batch, carrying the state for truncated BPTT. */
export function charLoss(model: CharLM) {
  return (b: TokenBatch, carry: Carry | undefined): { loss: Tensor; carry: Carry } => {
    const { logits, state } = model.forward(b.x, carry as LayerState | undefined);
    return { loss: crossEntropy(logits, b.y), carry: { h: state.h, c: state.c } };
  };
}

/**
 * The checkpoint file a command reads: a `.safetensors` path as given, or in a run folder
 * `best.safetensors` (`which: 'best'`, falling back to last) or `last.safetensors`.
 */
export function checkpointPath(target: string, which: 'best' | 'last'): string {
  if (!existsSync(target)) throw new RnnkitError(`no run folder or checkpoint at ${target}`);
  if (!statSync(target).isDirectory()) return target;
  const best = join(target, 'best.safetensors');
  const last = join(target, 'last.safetensors');
  if (which === 'best' && existsSync(best)) return best;
  if (existsSync(last)) return last;
  throw new RnnkitError(
    `${target} holds no checkpoint (last.safetensors or best.safetensors); train into it with --out first`,
  );
}

export interface LoadedRun {
  path: string;
  checkpoint: CheckpointData;
  config: RunConfig;
  vocabulary: Vocabulary;
}

/** Reads a checkpoint and its char-text config; corrupt, truncated or foreign files give clear errors. */
export function loadRun(target: string, which: 'best' | 'last'): LoadedRun {
  const path = checkpointPath(target, which);
  const checkpoint = loadCheckpoint(path);
  const config = parseRunConfig(checkpoint.config, `checkpoint ${path}`);
  const vocabulary = Vocabulary.fromJSON(config.vocabulary);
  if (vocabulary.size !== config.model.vocabSize)
    throw new RnnkitError(
      `checkpoint ${path}: its vocabulary has ${vocabulary.size} characters but the model ${config.model.vocabSize}`,
    );
  return { path, checkpoint, config, vocabulary };
}

/** The model of a loaded run with its weights, in evaluation mode. */
export function restoredModel(run: LoadedRun, rng: Rng): CharLM {
  const model = charLMFromConfig(run.config.model, { rng, source: `checkpoint ${run.path}` });
  restoreModel(model, run.checkpoint, `checkpoint ${run.path}`);
  model.eval();
  return model;
}
