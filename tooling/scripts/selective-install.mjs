#!/usr/bin/env node
// Packs rnnkit packages with pnpm, installs only those tarballs (plus the registry packages a user
// would add) with npm into empty projects in the OS temp folder, and runs the fit-line example
// there. Proves the packages work outside the workspace with nothing from the monorepo leaking in:
//
// 1. @rnnkit/core + @rnnkit/backend-js alone: fit-line on the default 'js' backend.
// 2. @rnnkit/core + @rnnkit/backend-tfjs + @tensorflow/tfjs-core: asking for 'tfjs-wasm' fails
//    with an error that names @tensorflow/tfjs-backend-wasm; after `npm install` of that package
//    fit-line trains on 'tfjs-wasm', and on 'tfjs-cpu' (tfjs-backend-wasm depends on it).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'rnnkit-selective-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
const npmInstall = (app, specs) =>
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...specs], app);

/** Packs the workspace packages into their own folder; returns the tarball paths. */
function pack(name, packages) {
  const packs = join(work, `packs-${name}`);
  for (const pkg of packages) {
    run('pnpm', ['pack', '--pack-destination', packs], join(root, pkg));
  }
  return readdirSync(packs).map((f) => join(packs, f));
}

/** An empty npm project. */
function emptyApp(name) {
  const app = join(work, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: `selective-check-${name}`, private: true, type: 'module' }),
  );
  return app;
}

function listInstalled(app, label) {
  const installed = readdirSync(join(app, 'node_modules/@rnnkit'));
  console.log(
    `selective install (${label}): ${installed.map((p) => `@rnnkit/${p}`).join(', ')} from tarballs only`,
  );
}

const fitLine = readFileSync(join(root, 'tooling/examples/fit-line.mjs'), 'utf8');

try {
  // 1. core + backend-js.
  {
    const app = emptyApp('js');
    npmInstall(app, pack('js', ['packages/core', 'packages/backend-js']));
    copyFileSync(join(root, 'tooling/examples/fit-line.mjs'), join(app, 'fit-line.mjs'));
    listInstalled(app, 'js');
    process.stdout.write(run('node', ['fit-line.mjs'], app));
  }

  // 2. core + backend-tfjs + tfjs-core, then tfjs-backend-wasm.
  {
    const tfjsPkg = JSON.parse(
      readFileSync(join(root, 'packages/backend-tfjs/package.json'), 'utf8'),
    );
    const tfjs = (name) => `${name}@${tfjsPkg.devDependencies[name]}`;
    const app = emptyApp('tfjs');
    npmInstall(app, [
      ...pack('tfjs', ['packages/core', 'packages/backend-tfjs']),
      tfjs('@tensorflow/tfjs-core'),
    ]);
    listInstalled(app, 'tfjs');

    // The same example, choosing the backend instead of importing @rnnkit/backend-js.
    const jsImport = "import '@rnnkit/backend-js';\n";
    if (!fitLine.includes(jsImport)) throw new Error(`fit-line.mjs no longer has ${jsImport}`);
    writeFileSync(join(app, 'fit-line.mjs'), fitLine.replace(jsImport, ''));
    writeFileSync(
      join(app, 'fit-line-on.mjs'),
      [
        "import '@rnnkit/backend-tfjs';",
        "import { setBackend } from '@rnnkit/core';",
        'await setBackend(process.argv[2]);',
        "await import('./fit-line.mjs');",
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'expect-missing.mjs'),
      [
        "import '@rnnkit/backend-tfjs';",
        "import { setBackend } from '@rnnkit/core';",
        "const err = await setBackend('tfjs-wasm').then(() => null, (e) => e);",
        "if (!err?.message.includes('npm install @tensorflow/tfjs-backend-wasm')) {",
        "  console.error('FAILED: expected an error naming @tensorflow/tfjs-backend-wasm, got', err);",
        '  process.exit(1);',
        '}',
        "console.log('without the wasm package:', err.message.split(' (')[0]);",
        '',
      ].join('\n'),
    );
    process.stdout.write(run('node', ['expect-missing.mjs'], app));

    npmInstall(app, [tfjs('@tensorflow/tfjs-backend-wasm')]);
    process.stdout.write(run('node', ['fit-line-on.mjs', 'tfjs-wasm'], app));
    process.stdout.write(run('node', ['fit-line-on.mjs', 'tfjs-cpu'], app));
  }
  console.log('selective install: OK');
} finally {
  rmSync(work, { recursive: true, force: true });
}
