export {
  CHECKSUM_KEY,
  type CheckpointData,
  decodeCheckpoint,
  encodeCheckpoint,
  hostTensors,
  loadCheckpoint,
  modelTensors,
  type Progress,
  restoreModel,
  type SaveHooks,
  saveCheckpoint,
} from './checkpoint.js';
export { clipGradNorm, clipGradNormOps, clipGradValue } from './clip.js';
export { FileSystemError, fsCause, makeFolder } from './fs-errors.js';
export { crossEntropy, mseLoss, type Reduction } from './losses.js';
export { Adagrad, type AdagradOptions } from './optim/adagrad.js';
export { Adam, type AdamOptions, AdamW } from './optim/adam.js';
export type { FusedUpdate } from './optim/fused.js';
export { Optimizer, type OptimizerState } from './optim/optimizer.js';
export { RMSprop, type RMSpropOptions } from './optim/rmsprop.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export {
  barReporter,
  interactive,
  lineReporter,
  type ProgressInfo,
  type ProgressReporter,
  silentReporter,
  type TaskBar,
  taskBar,
} from './progress.js';
export {
  type AcquireOptions,
  acquireRunLock,
  assertRunLockHeld,
  LOCK_FILE,
  type LockHolder,
  type RunLock,
  RunLockedError,
} from './run-lock.js';
export {
  CorruptFileError,
  decodeSafetensors,
  encodeSafetensors,
  type NamedArray,
  type SafetensorsOptions,
} from './safetensors.js';
export { cosine, type Schedule, stepDecay, warmup } from './schedules.js';
export { removeStaleTemporaries, temporaryPath } from './stale-temporaries.js';
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
