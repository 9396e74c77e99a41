import { type CharLMConfig, charLMFromConfig } from '@rnnkit/cells';
import type { HostTensor, Module } from '@rnnkit/core';
import { Rng, RnnkitError } from '@rnnkit/core';
import { Vocabulary } from '@rnnkit/data';
import { decodeCheckpoint, encodeCheckpoint, restoreModel } from '@rnnkit/train';
import type { CharModel, CharSettings } from './char-run.js';

// Checkpoints as apps/char-text writes and reads them: the same safetensors bytes and the same
// config (app 'rnnkit-char-text', version 1), so a model trained in the page samples with
// `char-text sample model.safetensors` and a run folder's checkpoint loads in the page.

const APP = 'rnnkit-char-text';
const VERSION = 1;

/** The part of apps/char-text's RunConfig the page writes and reads. */
interface CharTextConfig {
  app: typeof APP;
  version: typeof VERSION;
  corpus: { kind: 'file'; path: string; name: string; chars: number; sha256: string };
  model: CharLMConfig;
  vocabulary: unknown;
  train: Record<string, unknown>;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Host copies of a module's parameters, read asynchronously (a GPU backend has no sync read). */
async function hostParameters(model: Module): Promise<Record<string, HostTensor>> {
  const out: Record<string, HostTensor> = {};
  for (const [name, p] of model.namedParameters())
    out[name] = { shape: [...p.shape], data: (await p.data()) as Float32Array };
  return out;
}

/** The trained model as checkpoint bytes that apps/char-text reads. */
export async function charCheckpointBytes(
  m: CharModel,
  corpus: { name: string; text: string },
  settings: CharSettings,
  backend: string,
): Promise<Uint8Array> {
  const config: CharTextConfig = {
    app: APP,
    version: VERSION,
    corpus: {
      kind: 'file',
      path: corpus.name,
      name: corpus.name,
      chars: [...corpus.text].length,
      sha256: await sha256Hex(corpus.text),
    },
    model: m.config,
    vocabulary: m.vocabulary.toJSON(),
    train: {
      batch: settings.batch,
      seq: settings.seq,
      lr: settings.lr,
      clip: settings.clip,
      seed: settings.seed,
      validationFraction: settings.validationFraction,
      valChars: settings.valChars,
      validateEvery: settings.validateEvery,
      checkpointEvery: 0,
      sampleLength: 0,
      backend,
      steps: settings.steps,
    },
  };
  return encodeCheckpoint({
    model: await hostParameters(m.model),
    progress: { step: m.steps, epoch: 0, batchInEpoch: m.steps },
    config,
  });
}

/** A char-text checkpoint's model, ready to sample; a foreign file gives an error saying so. */
export function charModelFromBytes(bytes: Uint8Array, source: string): CharModel {
  const ckpt = decodeCheckpoint(bytes, source);
  const c = ckpt.config as Partial<CharTextConfig> | undefined;
  if (!c || c.app !== APP)
    throw new RnnkitError(
      `${source} is an rnnkit checkpoint but not a character model (no ${APP} config in it); save one from this page or train one with apps/char-text`,
    );
  if (c.version !== VERSION || !c.model || !c.vocabulary)
    throw new RnnkitError(
      `${source}: its ${APP} config (version ${c.version}) cannot be read here`,
    );
  const vocabulary = Vocabulary.fromJSON(c.vocabulary);
  const model = charLMFromConfig(c.model, { rng: new Rng(0), source });
  restoreModel(model, ckpt, source);
  model.eval();
  return { model, vocabulary, config: c.model, steps: ckpt.progress.step };
}
