// The portable entry of @rnnkit/train (package.json: every condition but "node"): index.ts
// without checkpoint files, run locks, stale temporaries, file-system errors and the terminal
// progress bar, so that a browser bundle of the losses, optimizers and the Trainer resolves no
// Node built-ins (the Trainer's file and terminal parts come from #trainer-io). The checkpoint
// bytes (encodeCheckpoint, decodeCheckpoint) stay. index.ts re-exports all of it and adds the Node-only parts.
export {
  CHECKSUM_KEY,
  type CheckpointData,
  decodeCheckpoint,
  encodeCheckpoint,
  hostTensors,
  modelTensors,
  type Progress,
  restoreModel,
} from './checkpoint-data.js';
export { clipGradNorm, clipGradNormOps, clipGradValue } from './clip.js';
export { crossEntropy, mseLoss, type Reduction } from './losses.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { Adam, type AdamOptions, AdamW } from './optim/adam.js';
export type { FusedUpdate } from './optim/fused.js';
export { Optimizer, type OptimizerState } from './optim/optimizer.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export {
  lineReporter,
  type ProgressInfo,
  type ProgressReporter,
  silentReporter,
} from './progress-report.js';
export {
  CorruptFileError,
  decodeSafetensors,
  encodeSafetensors,
  type NamedArray,
  type SafetensorsOptions,
} from './safetensors.js';
export { cosine, type Schedule, stepDecay, warmup } from './schedules.js';
export {
  type BatchSource,
  type Callback,
  type Carry,
  evaluate,
  type FitOptions,
  type FitResult,
  type LossFn,
  NonFiniteLossError,
  type StepInfo,
  type StopReason,
  Trainer,
  type ValidationInfo,
} from './trainer.js';
