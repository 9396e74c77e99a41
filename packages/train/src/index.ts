// The Node entry of @rnnkit/train (package.json: the "node" condition, and ./node): the portable
// entry plus checkpoint files, run locks, stale temporaries, file-system errors and the terminal
// progress bar, and the backends the CLI apps offer (appBackends).

export {
  type AppBackends,
  AUTO_BACKENDS,
  appBackends,
  OPTIONAL_BACKEND_PACKAGES,
} from './app-backends.js';
export { loadCheckpoint, type SaveHooks, saveCheckpoint } from './checkpoint.js';
export { FileSystemError, fsCause, makeFolder } from './fs-errors.js';
export * from './portable.js';
export { barReporter, interactive, type TaskBar, taskBar } from './progress.js';
export {
  type AcquireOptions,
  acquireRunLock,
  assertRunLockHeld,
  LOCK_FILE,
  type LockHolder,
  type RunLock,
  RunLockedError,
} from './run-lock.js';
export { removeStaleTemporaries, temporaryPath } from './stale-temporaries.js';
