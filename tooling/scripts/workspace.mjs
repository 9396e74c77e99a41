// The workspace's packages as the packaging checks see them: every package.json under the
// globs of pnpm-workspace.yaml, and the public ones (not "private"), which npm users install.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

/** [{ name, dir (relative to root), path, json }] for every workspace package. */
export function workspacePackages() {
  const globs = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')
    .split('\n')
    .map((l) => /^\s+-\s+['"]?([^'"]+)\/\*['"]?\s*$/.exec(l)?.[1])
    .filter(Boolean);
  const out = [];
  for (const parent of globs) {
    for (const d of readdirSync(join(root, parent)).sort()) {
      const path = join(root, parent, d);
      if (!existsSync(join(path, 'package.json'))) continue;
      const json = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
      out.push({ name: json.name, dir: `${parent}/${d}`, path, json });
    }
  }
  return out;
}

/** The packages npm users get: every workspace package not marked private. */
export function publicPackages() {
  return workspacePackages().filter((p) => !p.json.private);
}

/**
 * The command that runs the workspace's pnpm: the one running this script (`pnpm test`), else
 * the version in the root package.json's packageManager through npx.
 */
export function pnpmCommand() {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: pnpm sets it for the scripts it runs; no turbo task reads it
  const execpath = process.env.npm_execpath ?? '';
  if (/pnpm/.test(execpath)) {
    // a script file (node runs it) or pnpm's native binary (runs itself)
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, [execpath]] : [execpath, []];
  }
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return ['npx', ['--yes', packageManager]];
}
