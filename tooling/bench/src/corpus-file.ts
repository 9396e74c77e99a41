import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where Node runs of the bench read tiny Shakespeare from (the browser bench's driver reads it
// here too and hands the text to the page).

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir)
      throw new Error('rnnkit-bench: cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
}

/** Where tiny Shakespeare is read from: $RNNKIT_SHAKESPEARE, else ../shared/data next to the repo. */
export function shakespearePath(): string {
  return process.env.RNNKIT_SHAKESPEARE
    ? resolve(process.env.RNNKIT_SHAKESPEARE)
    : resolve(repoRoot(), '../shared/data/tinyshakespeare.txt');
}

let cached: { path: string; text: string } | undefined;

export function loadShakespeare(): string {
  const path = shakespearePath();
  if (cached?.path === path) return cached.text;
  if (!existsSync(path)) {
    throw new Error(
      process.env.RNNKIT_SHAKESPEARE
        ? `rnnkit-bench: RNNKIT_SHAKESPEARE points to ${path}, which does not exist.`
        : `rnnkit-bench: tiny Shakespeare not found at ${path}. The char workloads need it: put ` +
            'tinyshakespeare.txt (1,115,394 bytes) there, or set RNNKIT_SHAKESPEARE=/path/to/file.',
    );
  }
  cached = { path, text: readFileSync(path, 'utf8') };
  return cached.text;
}
