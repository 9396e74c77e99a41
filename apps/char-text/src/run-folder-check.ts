import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { RnnkitError } from '@rnnkit/core';

/**
 * Checks before training that `--out` can be a run folder: not a file, and either an existing
 * folder or one that can be created in the nearest existing folder above it. (A file there made
 * mkdir fail with a bare EEXIST; an unwritable parent with EACCES.)
 */
export function checkRunFolder(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory())
      throw new RnnkitError(
        `--out ${dir} is a file, not a folder; name a folder for the run (it is created if missing)`,
      );
    writable(dir, dir);
    return;
  }
  let parent = dirname(dir);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (!statSync(parent).isDirectory())
    throw new RnnkitError(
      `cannot create the run folder --out ${dir}: ${parent} is a file, not a folder`,
    );
  writable(parent, dir);
}

function writable(folder: string, dir: string): void {
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new RnnkitError(
      `cannot write the run folder --out ${dir}: ${folder} is not writable for this user`,
    );
  }
}
