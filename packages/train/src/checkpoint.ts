import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { RnnkitError } from '@rnnkit/core';
import { type CheckpointData, decodeCheckpoint, encodeCheckpoint } from './checkpoint-data.js';
import { FileSystemError, makeFolder } from './fs-errors.js';
import { removeStaleTemporaries, temporaryPath } from './stale-temporaries.js';

// Checkpoint files (Node only). What checkpoints hold and their bytes are in checkpoint-data.ts,
// which the portable entry exports.

/** Test hook: runs after the temporary file is written, before it replaces the old one. */
export interface SaveHooks {
  beforeRename?: () => void;
}

/**
 * Writes a checkpoint atomically: a temporary file in the same folder, flushed to disk, then
 * renamed over the target. A crash at any point leaves the previous checkpoint intact; the
 * temporary files of saves whose process has ended are removed first. A file system error
 * (disk full, read-only, ...) throws FileSystemError naming the path and the cause in words.
 */
export function saveCheckpoint(path: string, c: CheckpointData, hooks: SaveHooks = {}): void {
  makeFolder(dirname(path), 'checkpoint folder');
  removeStaleTemporaries(dirname(path));
  const tmp = temporaryPath(path);
  const bytes = encodeCheckpoint(c);
  try {
    const fd = openSync(tmp, 'w');
    try {
      // writeSync may write less than asked; loop until every byte is out.
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    hooks.beforeRename?.();
    renameSync(tmp, path);
  } catch (e) {
    // A failed write (disk full, interrupted) must not leave a half-written temporary behind.
    rmSync(tmp, { force: true });
    if (typeof (e as NodeJS.ErrnoException).code === 'string')
      throw new FileSystemError(
        `cannot save checkpoint ${path} (the previous one there is unchanged)`,
        e,
      );
    throw e;
  }
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // Directory fsync is best effort (not supported on every platform).
  }
}

/** Reads a checkpoint; a missing, truncated or foreign file gives an error that says which. */
export function loadCheckpoint(path: string): CheckpointData {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new RnnkitError(
      `cannot read checkpoint ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return decodeCheckpoint(bytes, `checkpoint ${path}`);
}
