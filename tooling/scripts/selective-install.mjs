#!/usr/bin/env node
// Packs @rnnkit/core and @rnnkit/backend-js with pnpm, installs only those tarballs with npm into an
// empty project in the OS temp folder, and runs the fit-line example there. Proves the packages
// work outside the workspace with nothing from the monorepo leaking in.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const packages = ['packages/core', 'packages/backend-js'];
const work = mkdtempSync(join(tmpdir(), 'rnnkit-selective-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

try {
  const packs = join(work, 'packs');
  for (const pkg of packages) {
    run('pnpm', ['pack', '--pack-destination', packs], join(root, pkg));
  }
  const tarballs = readdirSync(packs).map((f) => join(packs, f));
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'selective-check', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...tarballs], app);
  copyFileSync(join(root, 'tooling/examples/fit-line.mjs'), join(app, 'fit-line.mjs'));
  const installed = readdirSync(join(app, 'node_modules/@rnnkit'));
  console.log(
    `selective install: ${installed.map((p) => `@rnnkit/${p}`).join(', ')} from tarballs only`,
  );
  process.stdout.write(run('node', ['fit-line.mjs'], app));
  console.log('selective install: OK');
} finally {
  rmSync(work, { recursive: true, force: true });
}
