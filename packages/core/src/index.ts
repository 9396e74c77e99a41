export type {
  AdamHyper,
  Backend,
  FusedKernels,
  FusedOptimizerKernels,
  KernelTensor,
  LoopSpec,
  RmspropHyper,
  RnnActivation,
  SgdHyper,
} from './backend.js';
export {
  type BackendChoice,
  chooseBackend,
  describeBackendChoice,
} from './backend-choice.js';
export { grad, valueAndGrad } from './backprop.js';
export { compile } from './compile.js';
export type { DType, Shape, TypedArray } from './dtype.js';
export { BackendError, DisposedError, fmtShape, RnnkitError, ShapeError } from './errors.js';
export { DeferredProduct } from './grad-sum.js';
export * as init from './init.js';
export { type HostTensor, Module, Parameter, type StateDict } from './module.js';
export * from './ops/index.js';
export { checkOptions, describeValue, type OptionKeys, suggestKey } from './options.js';
export {
  type BackendFactory,
  describeBackendChoices,
  getBackend,
  importBackendPackages,
  isNotInstalled,
  knownBackends,
  listBackends,
  loadBackend,
  registerBackend,
  resetBackends,
  setBackend,
  useBackend,
} from './registry.js';
export { type Revertible, revertible } from './revert.js';
export { type DrawWatch, defaultRng, manualSeed, Rng, watchDraws } from './rng.js';
export { type ScanOptions, type ScanStep, scan } from './scan.js';
export { broadcastShapes, sameShape, sizeOf, stridesOf } from './shape.js';
export { substitute } from './substitute.js';
export { type Backward, isRecording, noGrad, record } from './tape.js';
export { Tensor } from './tensor.js';
export { dispose, keep, memory, tidy } from './tidy.js';
export { withoutSyncReads } from './without-sync-reads.js';
