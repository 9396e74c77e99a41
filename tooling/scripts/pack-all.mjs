// Packs every public package with `pnpm pack` into one folder. Each package's prepack builds it
// and the workspace packages it depends on first (turbo), so a fresh clone packs full tarballs.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pnpmCommand, publicPackages } from './workspace.mjs';

/** The tarball file name pnpm gives a package: @scope/name@1.0.0 -> scope-name-1.0.0.tgz. */
export const tarballName = (pkg) =>
  `${pkg.json.name.replace(/^@/, '').replace('/', '-')}-${pkg.json.version}.tgz`;

/** Packs the public packages into `dest`; returns Map(name -> { pkg, tarball }). */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  const packs = new Map();
  const [pnpm, pre] = pnpmCommand();
  for (const pkg of publicPackages()) {
    execFileSync(pnpm, [...pre, 'pack', '--pack-destination', dest], {
      cwd: pkg.path,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    packs.set(pkg.json.name, { pkg, tarball: join(dest, tarballName(pkg)) });
  }
  return packs;
}
