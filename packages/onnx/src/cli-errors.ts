import { dirname, resolve } from 'node:path';

const WHY: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
};

/**
 * The message the CLI prints for an error: a file-system error on the model or checkpoint it
 * reads, or on the `-o` file it writes, says which and why instead of Node's bare
 * `ENOENT: no such file or directory, open …`.
 */
export function cliErrorMessage(e: unknown, files: { input?: string; output?: string }): string {
  const err = e as NodeJS.ErrnoException;
  if (!err.code || !err.path) return (e as Error).message;
  const why = WHY[err.code] ?? err.code;
  const same = (p?: string) => p !== undefined && resolve(p) === resolve(err.path!);
  if (same(files.output)) {
    if (err.code === 'ENOENT')
      return `cannot write -o ${files.output}: the folder ${dirname(resolve(files.output!))} does not exist`;
    return `cannot write -o ${files.output}: ${why}`;
  }
  if (same(files.input)) return `cannot read ${files.input}: ${why}`;
  return `${err.syscall ?? 'reading'} ${err.path}: ${why}`;
}
