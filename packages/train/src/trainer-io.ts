// What the Trainer needs from Node: checkpoint files, run-folder locks and the terminal progress
// bar. package.json's "imports" maps #trainer-io here under the "node" condition and to
// trainer-io-portable.ts everywhere else (browsers), so that a browser bundle of the Trainer holds
// no file-system or terminal code.
export { saveCheckpoint } from './checkpoint.js';
export { barReporter, interactive } from './progress.js';
export { acquireRunLock, assertRunLockHeld } from './run-lock.js';
