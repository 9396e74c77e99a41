import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
  return dir;
}

/** `../shared/data/tinyshakespeare.txt` next to the repository (CI and developers have it). */
export function shakespearePath(): string {
  const path = resolve(repoRoot(), '../shared/data/tinyshakespeare.txt');
  if (!existsSync(path))
    throw new Error(`tests need tiny Shakespeare (1,115,394 bytes) at ${path}`);
  return path;
}
