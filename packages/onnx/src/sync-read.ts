import { RnnkitError, type Tensor, type TypedArray } from '@rnnkit/core';

/**
 * A tensor's values read synchronously, for `OnnxModel.runSync` (the synchronous pass a loss
 * inside valueAndGrad uses). Reads are asynchronous by contract and a synchronous read is a
 * capability (a WebGPU backend has none), so this checks for it and otherwise throws naming
 * `who`, the backend and `fix`, rather than the generic error of `dataSync()`.
 */
export function readSyncOrExplain(t: Tensor, who: string, fix: string): TypedArray {
  if (!t.backend.readSync) {
    throw new RnnkitError(
      `${who}: backend '${t.backend.name}' cannot read synchronously (reads are asynchronous by contract); ${fix}`,
    );
  }
  return t.dataSync();
}
