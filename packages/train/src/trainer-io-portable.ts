// #trainer-io outside Node (package.json "imports"): the Trainer trains, validates and reports
// progress as lines or to a ProgressReporter; checkpoint folders and the terminal bar need Node
// and say so. encodeCheckpoint gives a checkpoint's bytes to store some other way.
import { RnnkitError } from '@rnnkit/core';
import type * as NodeIo from './trainer-io.js';

const needsNode = (what: string) =>
  new RnnkitError(
    `${what} needs Node's file system, which this platform does not have: fit without checkpoint options here (encodeCheckpoint(data) gives a checkpoint's bytes to store yourself)`,
  );

export const saveCheckpoint: typeof NodeIo.saveCheckpoint = () => {
  throw needsNode('saving a checkpoint file');
};
export const acquireRunLock: typeof NodeIo.acquireRunLock = () => {
  throw needsNode('a checkpoint folder (its run lock)');
};
export const assertRunLockHeld: typeof NodeIo.assertRunLockHeld = () => {
  throw needsNode('a checkpoint folder (its run lock)');
};
/** No terminal here: the Trainer's default progress is plain lines. */
export const interactive: typeof NodeIo.interactive = () => false;
export const barReporter: typeof NodeIo.barReporter = () => {
  throw new RnnkitError(
    "progress: 'bar' draws on a terminal, which this platform does not have; use 'lines', 'none' or a ProgressReporter",
  );
};
