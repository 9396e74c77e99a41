// What a checkpoint holds and its bytes (safetensors): portable, no file system. checkpoint.ts
// reads and writes the files.
import { type HostTensor, type Module, RnnkitError, type Tensor } from '@rnnkit/core';
import type { OptimizerState } from './optim/optimizer.js';
import {
  ChecksumMismatchError,
  CorruptFileError,
  decodeSafetensors,
  encodeSafetensors,
  type NamedArray,
} from './safetensors.js';

/** Where a run stands, so a resumed run continues exactly. */
export interface Progress {
  step: number;
  epoch: number;
  /** Batches of `epoch` already consumed. */
  batchInEpoch: number;
}

/**
 * Everything one training run needs to continue: weights, optimizer state, RNG states, progress,
 * the recurrent state carried between chunks (truncated BPTT), and JSON-able config/extra data.
 */
export interface CheckpointData {
  model: Record<string, HostTensor>;
  optimizer?: OptimizerState;
  rng?: Record<string, number[]>;
  progress: Progress;
  carry?: Record<string, HostTensor>;
  config?: unknown;
  extra?: unknown;
  metrics?: Record<string, number>;
}

const FORMAT = 'rnnkit-checkpoint';
const VERSION = 1;
/**
 * The `__metadata__` key holding the CRC-32 of the tensor data. Checkpoints written before it
 * existed have none and load unchecked.
 */
export const CHECKSUM_KEY = 'rnnkit.crc32';

// Reads are asynchronous by contract: every read is issued before the first await, so the copies
// are of one moment even if training went on meanwhile.
async function hostOf(t: Tensor): Promise<HostTensor> {
  return { shape: [...t.shape], data: (await t.data()) as Float32Array };
}

async function hostEntries(
  entries: [string, Tensor | undefined][],
): Promise<Record<string, HostTensor>> {
  const present = entries.filter((e): e is [string, Tensor] => e[1] !== undefined);
  const read = await Promise.all(present.map(([, t]) => hostOf(t)));
  return Object.fromEntries(present.map(([k], i) => [k, read[i]]));
}

/** Host copies of a module's parameters, by name, read asynchronously. */
export function modelTensors(model: Module): Promise<Record<string, HostTensor>> {
  return hostEntries(model.namedParameters());
}

/** Host copies of named tensors (e.g. a carried LSTM state { h, c }), read asynchronously. */
export function hostTensors(
  ts: Record<string, Tensor | undefined>,
): Promise<Record<string, HostTensor>> {
  return hostEntries(Object.entries(ts));
}

/** Loads checkpoint weights into a model; a different architecture gives an error naming the mismatch. */
export function restoreModel(model: Module, ckpt: CheckpointData, source = 'checkpoint'): void {
  try {
    model.loadStateDict(ckpt.model);
  } catch (e) {
    throw new RnnkitError(
      `${source} was made by a different architecture than this ${model.constructor.name}: ${(e as Error).message}`,
    );
  }
}

export function encodeCheckpoint(c: CheckpointData): Uint8Array {
  const tensors: Record<string, NamedArray> = {};
  for (const [k, t] of Object.entries(c.model)) tensors[`model.${k}`] = t;
  for (const [k, t] of Object.entries(c.optimizer?.tensors ?? {})) tensors[`optim.${k}`] = t;
  for (const [k, t] of Object.entries(c.carry ?? {})) tensors[`carry.${k}`] = t;
  const { tensors: _, ...optMeta } = c.optimizer ?? { tensors: {} };
  const meta = {
    format: FORMAT,
    version: VERSION,
    optimizer: c.optimizer ? optMeta : undefined,
    rng: c.rng,
    progress: c.progress,
    config: c.config,
    extra: c.extra,
    metrics: c.metrics,
  };
  return encodeSafetensors(
    tensors,
    { rnnkit: JSON.stringify(meta) },
    { checksumKey: CHECKSUM_KEY },
  );
}

/** Reads a checkpoint's bytes; damaged tensor data (a checksum mismatch) throws CorruptFileError. */
export function decodeCheckpoint(bytes: Uint8Array, source = 'checkpoint'): CheckpointData {
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(bytes, source, { checksumKey: CHECKSUM_KEY });
  } catch (e) {
    if (e instanceof ChecksumMismatchError)
      throw new CorruptFileError(
        `${e.message}. Do not train on from it: use another checkpoint of the run (best.safetensors instead of last.safetensors, or the reverse) or an earlier copy`,
      );
    throw e;
  }
  const { tensors, metadata } = decoded;
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(metadata.rnnkit ?? 'null');
  } catch {
    throw new CorruptFileError(`${source}: its rnnkit metadata does not parse`);
  }
  if (!meta || meta.format !== FORMAT) {
    throw new CorruptFileError(
      `${source} is a safetensors file but not an rnnkit checkpoint (no rnnkit metadata)`,
    );
  }
  const pick = (prefix: string) =>
    Object.fromEntries(
      Object.entries(tensors)
        .filter(([k]) => k.startsWith(prefix))
        .map(([k, t]) => [
          k.slice(prefix.length),
          { shape: t.shape, data: t.data as Float32Array },
        ]),
    );
  const p = meta.progress as Partial<Progress> | undefined;
  if (
    !p ||
    ![p.step, p.epoch, p.batchInEpoch].every((v) => Number.isInteger(v) && (v as number) >= 0)
  ) {
    throw new CorruptFileError(
      `${source}: its rnnkit metadata has no valid progress {step, epoch, batchInEpoch}`,
    );
  }
  const optMeta = meta.optimizer as Omit<OptimizerState, 'tensors'> | undefined;
  return {
    model: pick('model.'),
    optimizer: optMeta ? { ...optMeta, tensors: pick('optim.') } : undefined,
    carry: pick('carry.'),
    rng: meta.rng as Record<string, number[]> | undefined,
    progress: meta.progress as Progress,
    config: meta.config,
    extra: meta.extra,
    metrics: meta.metrics as Record<string, number> | undefined,
  };
}
