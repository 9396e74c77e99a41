import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from './process-alive.js';

/**
 * The temporary file a save writes before renaming it over `path`: `.<name>.tmp-<pid>` in the
 * same folder, named by the writing process so that leftovers can be told from saves in progress.
 */
export function temporaryPath(path: string, pid = process.pid): string {
  return join(dirname(path), `.${basename(path)}.tmp-${pid}`);
}

const TEMPORARY = /^\..+\.tmp-(\d+)$/;

/**
 * Removes the temporary files that interrupted saves left in `dir`: those whose writing process
 * no longer runs on this machine. Saves in progress (a live process, this one included) are left
 * alone. Returns the names removed; a missing folder has none.
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = TEMPORARY.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || processAlive(Number(pid))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
