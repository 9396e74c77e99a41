import { engine, type Replaced } from './engine.js';
import { RnnkitError } from './errors.js';

/** The result of a `revertible` call, and the choice to keep or undo its storage replacements. */
export interface Revertible<T> {
  readonly result: T;
  /** Keeps the call's effects: frees the storages it replaced. */
  commit(): void;
  /** Undoes them: every tensor it updated gets its earlier storage back, and the newer is freed. */
  revert(): void;
}

/**
 * Runs `fn` so that its in-place updates (optimizer steps, `Parameter.assign`, `loadStateDict`:
 * everything that goes through `replaceStorage`) can be undone afterwards: the replaced storages
 * are kept until `commit` frees them or `revert` puts them back. A training step uses it to
 * update the weights before its loss is known to be finite and still leave them as they were
 * when it is not. If `fn` throws, its updates are reverted before the error propagates.
 *
 * Only updates that give a tensor new storage can be undone. A backend whose kernels write in
 * place (backend-js's optimizer kernels return the storage they were given) leaves nothing to
 * put back; compiled calls on a compiling backend (onnx) always produce new storage.
 */
export function revertible<T>(fn: () => T): Revertible<T> {
  if (engine.journal) throw new RnnkitError('revertible: calls cannot be nested');
  const journal: Replaced[] = [];
  engine.journal = journal;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    engine.journal = null;
    undo(journal);
    throw e;
  }
  engine.journal = null;
  let settled = false;
  const settle = (how: string) => {
    if (settled) throw new RnnkitError(`revertible: ${how} after the call was already settled`);
    settled = true;
  };
  return {
    result,
    commit() {
      settle('commit');
      for (const { t, old } of journal) t.backend.dispose(old);
    },
    revert() {
      settle('revert');
      undo(journal);
    },
  };
}

/** Latest first, so a tensor replaced twice ends with its first storage. */
function undo(journal: readonly Replaced[]): void {
  for (let k = journal.length - 1; k >= 0; k--) {
    const { t, old } = journal[k];
    if (t.isDisposed) t.backend.dispose(old);
    else t.replaceStorage(old);
  }
}
