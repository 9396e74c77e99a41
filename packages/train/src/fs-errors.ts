import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { RnnkitError } from '@rnnkit/core';

/** The file system errors a save or a folder creation can meet, in words; one place for all. */
const CAUSES: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  EISDIR: 'a folder of that name is in the way',
  ENOENT: 'no such file or folder',
};

/** The cause of a file system error in words, e.g. 'the disk is full (ENOSPC)'. */
export function fsCause(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code && CAUSES[code]) return `${CAUSES[code]} (${code})`;
  return code ?? (e as Error).message;
}

/** A file system error while `doing` (e.g. 'cannot save checkpoint x'), naming the path and the cause. */
export class FileSystemError extends RnnkitError {
  override name = 'FileSystemError';
  readonly code?: string;
  constructor(doing: string, e: unknown) {
    super(`${doing}: ${fsCause(e)}`);
    this.code = (e as NodeJS.ErrnoException).code;
  }
}

/**
 * mkdir -p that reports the true cause. Node's recursive mkdir reports ENOENT when a missing
 * folder cannot be made under a read-only or unwritable parent; making the first missing folder
 * on its own gives the real error (EROFS, EACCES, ENOTDIR, ...).
 */
export function makeFolder(dir: string, what = 'folder'): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    let first = dir;
    while (dirname(first) !== first && !existsSync(dirname(first))) first = dirname(first);
    let cause = e;
    try {
      mkdirSync(first);
    } catch (e2) {
      cause = e2;
    }
    throw new FileSystemError(`cannot create the ${what} ${dir}`, cause);
  }
}
