import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Whether the playground's dist/ can be served as it is: the page test reuses a build that is
// newer than everything the build reads (turbo's `test` task builds the page just before), and
// builds again otherwise (a test run straight after an edit).

/**
 * The newest modification time of the file `path` or of any file under the folder `path`; 0
 * where it is missing. Folders' own times are left out (they change when a file is added, and
 * a removed module changes the file that imported it).
 */
function newestChange(path: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/**
 * What the build reads: the page's own sources and config, and the built `dist/` of each
 * workspace package it depends on (third-party packages change only with package.json).
 */
export function buildInputs(root: string): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const workspace = Object.entries(pkg.dependencies ?? {})
    .filter(([, version]) => version.startsWith('workspace:'))
    .map(([name]) => join(root, 'node_modules', name, 'dist'));
  return ['src', 'index.html', 'vite.config.ts', 'package.json']
    .map((p) => join(root, p))
    .concat(workspace);
}

/** True when `root/dist/index.html` was written after the last change to every build input. */
export function buildIsFresh(root: string): boolean {
  const built = newestChange(join(root, 'dist', 'index.html'));
  return built > 0 && buildInputs(root).every((p) => newestChange(p) <= built);
}
