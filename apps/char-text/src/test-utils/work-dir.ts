import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { shakespeare } from './run-cli.js';

/**
 * A test file's own temporary folder (`prefix` names it), removed after the file's tests. It
 * holds `small`: the first 5 KB of tiny Shakespeare, big enough for a few tiny batches. `dir`
 * names a run's folder in it.
 */
export function workDir(prefix: string) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const small = join(work, 'small.txt');
  writeFileSync(small, readFileSync(shakespeare).subarray(0, 5000));
  return { work, small, dir: (name: string) => join(work, name) };
}
