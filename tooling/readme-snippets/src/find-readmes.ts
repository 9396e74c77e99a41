import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';

/** The repository root (this file sits in tooling/readme-snippets/src or dist). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Every README.md of the repository, as sorted paths relative to `root`: the root one and those of
 * every package, app, tool and fixture folder; installed and built files are not ours.
 */
export function findReadmes(root: string = repoRoot): string[] {
  return globSync('**/README.md', {
    cwd: root,
    ignore: ['**/node_modules/**', '**/dist/**', '**/.turbo/**', '.git/**'],
    dot: true,
  }).sort();
}
