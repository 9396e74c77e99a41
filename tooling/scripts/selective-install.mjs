#!/usr/bin/env node
// The packaging check (`pnpm test` runs it last): packs every public package from a fresh build
// and proves the tarballs work outside the workspace, with nothing from the monorepo leaking in.
//
// - peer ranges and README imports across packages (cross-package-check.mjs), each package's
//   imports against its dependencies and peers (import-deps-check.mjs), tarball contents
//   (tarball-check.mjs), publint and attw (package-lint.mjs);
// - npm installs of tarballs (other @rnnkit packages from their tarballs too) into empty
//   projects in the OS temp folder, each exercised by small scripts (consumers/):
//   1. core + backend-js: fit-line on the default 'js' backend;
//   2. core + backend-tfjs + @tensorflow/tfjs-core: asking for 'tfjs-wasm' fails with an error
//      naming @tensorflow/tfjs-backend-wasm; after installing it, fit-line trains on 'tfjs-wasm'
//      and 'tfjs-cpu';
//   3. core + backend-js + cells + data + train: cells forward and backward, data's sine windows
//      and a char corpus from a file, train fitting a tiny model, a stack trace under
//      --enable-source-maps naming shipped files, and the esbuild bundles (bundle-check.mjs);
//      then onnx + backend-onnx without onnxruntime-node: 'onnx' fails naming the peer range;
//   4. every public package with the newest onnxruntime-node in backend-onnx's peer range,
//      @tensorflow/tfjs-core and vitest (peers): backend-onnx training on 'onnx', an
//      onnxruntime-node with another binding failing with the peer range, the rnnkit-onnx CLI's
//      inspect and run, the conformance suite on 'js', and a TypeScript consumer of every
//      entry point;
//   5. @rnnkit/onnx with its README's install lines only (onnx + core, then onnxruntime-node):
//      import and inspect without @rnnkit/cells, run on rnnkit naming cells to install, run on
//      ONNX Runtime;
//   6. @rnnkit/sine and @rnnkit/char-text with their declared dependencies: rnnkit-sine trains
//      an epoch and writes its PNG, rnnkit-char-text trains 3 steps on a file and on sotu, both
//      on 'js' by --backend auto (the default), their first line saying why, and both name
//      @rnnkit/backend-onnx to install when asked for --backend onnx;
//   7. a browser project (consumers/web/) as a new user writes it from the READMEs: core,
//      backend-js, cells, data, train, onnx, backend-tfjs with tfjs-core/-backend-wasm/-webgl,
//      backend-onnx with onnxruntime-web, vite and esbuild; its page trains a tiny CharLM in a Web
//      Worker (TypeScript, type-checked for the browser first) on onnx-wasm, tfjs-wasm and js,
//      encodes a checkpoint and exports ONNX; `vite build` (a Node built-in in the bundle fails),
//      dist served cross-origin isolated, opened in headless Chromium (playwright-core, the
//      system's chromium), failing on any console error, 404, backend that did not train or
//      losses off js's;
// - the release dry run (release-dry-run.mjs).
// Prints the table of installs (time, node_modules size). npm shares one cache folder across
// the projects and runs (tmpdir()/rnnkit-npm-cache).
import { execFileSync, spawnSync } from 'node:child_process';
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
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { checkBundles } from './bundle-check.mjs';
import { checkAcrossPackages } from './cross-package-check.mjs';
import { checkImportDeps } from './import-deps-check.mjs';
import { packAll } from './pack-all.mjs';
import { lintPackages } from './package-lint.mjs';
import { releaseDryRun } from './release-dry-run.mjs';
import { checkTarballs } from './tarball-check.mjs';
import { checkTypeScriptConsumer } from './ts-consumer-check.mjs';
import { root } from './workspace.mjs';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-selective-'));
const cache = join(tmpdir(), 'rnnkit-npm-cache');
const consumers = join(import.meta.dirname, 'consumers');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
/** Runs a command that must fail with exit code 1 and print `expected`; returns its stderr. */
function fails(cmd, args, cwd, expected) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 1 || !r.stderr.includes(expected)) {
    throw new Error(
      `${[cmd, ...args].join(' ')}: expected exit 1 and "${expected}", got exit ${r.status}:\n${r.stdout}${r.stderr}`,
    );
  }
  return r.stderr.trim();
}
const show = (cmd, args, cwd) => process.stdout.write(run(cmd, args, cwd));
const installs = [];

function npmInstall(app, label, specs, flags = []) {
  const t0 = performance.now();
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      // a dependency whose engines exclude this Node (rnnkit supports >=20.11) fails the install
      '--engine-strict',
      '--cache',
      cache,
      ...flags,
      ...specs,
    ],
    app,
  );
  const seconds = (performance.now() - t0) / 1000;
  const kib = Number(run('du', ['-sk', 'node_modules'], app).split('\t')[0]);
  installs.push({ label, seconds, mib: kib / 1024 });
}

/** An empty npm project holding copies of the given consumer scripts. */
function emptyApp(name, scripts = []) {
  const app = join(work, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: `selective-check-${name}`, private: true, type: 'module' }),
  );
  for (const s of scripts) copyFileSync(join(consumers, s), join(app, s));
  return app;
}

/**
 * `names` and the @rnnkit packages they need, transitively: dependencies and required peers (what
 * npm installs with them), so that none comes from the registry.
 */
function rnnkitClosure(names, packs) {
  const out = new Set();
  const visit = (name) => {
    if (out.has(name)) return;
    out.add(name);
    const { json } = packs.get(name).pkg;
    const optional = json.peerDependenciesMeta ?? {};
    const peers = Object.keys(json.peerDependencies ?? {}).filter((p) => !optional[p]?.optional);
    for (const d of [...Object.keys(json.dependencies ?? {}), ...peers]) {
      if (d.startsWith('@rnnkit/')) visit(d);
    }
  };
  for (const n of names) visit(n);
  return [...out];
}

const devVersion = (pkgDir, name) =>
  JSON.parse(readFileSync(join(root, pkgDir, 'package.json'), 'utf8')).devDependencies[name];
const depVersion = (pkgDir, name) =>
  JSON.parse(readFileSync(join(root, pkgDir, 'package.json'), 'utf8')).dependencies[name];
const peerRange = (pkgDir, name) =>
  JSON.parse(readFileSync(join(root, pkgDir, 'package.json'), 'utf8')).peerDependencies[name];
const ortRange = peerRange('packages/backend-onnx', 'onnxruntime-node');

try {
  checkAcrossPackages();
  await checkImportDeps();
  const packs = packAll(join(work, 'packs'));
  const tarball = (name) => packs.get(`@rnnkit/${name}`).tarball;
  checkTarballs(packs);
  await lintPackages(packs);

  // 1. core + backend-js.
  {
    const app = emptyApp('js');
    npmInstall(app, 'core + backend-js', [tarball('core'), tarball('backend-js')]);
    copyFileSync(join(root, 'tooling/examples/fit-line.mjs'), join(app, 'fit-line.mjs'));
    show('node', ['fit-line.mjs'], app);
  }

  // 2. core + backend-tfjs + tfjs-core, then tfjs-backend-wasm.
  {
    const tfjs = (name) => `${name}@${devVersion('packages/backend-tfjs', name)}`;
    const app = emptyApp('tfjs');
    npmInstall(app, 'core + backend-tfjs + tfjs-core', [
      tarball('core'),
      tarball('backend-tfjs'),
      tfjs('@tensorflow/tfjs-core'),
    ]);
    // The same example, choosing the backend instead of importing @rnnkit/backend-js.
    const fitLine = readFileSync(join(root, 'tooling/examples/fit-line.mjs'), 'utf8');
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
    show('node', ['expect-missing.mjs'], app);
    npmInstall(app, '+ tfjs-backend-wasm', [tfjs('@tensorflow/tfjs-backend-wasm')]);
    show('node', ['fit-line-on.mjs', 'tfjs-wasm'], app);
    show('node', ['fit-line-on.mjs', 'tfjs-cpu'], app);
  }

  // 3. the pure-JS packages.
  {
    const app = emptyApp('pure', [
      'cells.mjs',
      'data.mjs',
      'train.mjs',
      'stack-trace.mjs',
      'onnx-missing.mjs',
    ]);
    const names = ['core', 'backend-js', 'cells', 'data', 'train'];
    npmInstall(app, names.join(' + '), names.map(tarball));
    show('node', ['cells.mjs'], app);
    show('node', ['data.mjs'], app);
    show('node', ['train.mjs'], app);
    show('node', ['--enable-source-maps', 'stack-trace.mjs'], app);
    await checkBundles(app);
    // onnxruntime-node is an optional peer, so npm leaves it out; --legacy-peer-deps also leaves
    // out the required ones, as package managers that do not install peers do.
    npmInstall(
      app,
      '+ onnx + backend-onnx, no onnxruntime-node',
      [tarball('onnx'), tarball('backend-onnx')],
      ['--legacy-peer-deps'],
    );
    show('node', ['onnx-missing.mjs', 'missing', ortRange], app);
  }

  // 4. everything, with ONNX Runtime.
  {
    const app = emptyApp('all', [
      'train.mjs',
      'onnx-model.mjs',
      'onnx-missing.mjs',
      'conformance.test.mjs',
    ]);
    npmInstall(app, 'every public package + onnxruntime-node + tfjs-core + vitest', [
      ...[...packs.values()].map((p) => p.tarball),
      `onnxruntime-node@${ortRange}`,
      `@tensorflow/tfjs-core@${devVersion('packages/backend-tfjs', '@tensorflow/tfjs-core')}`,
      `vitest@${peerRange('packages/backend-conformance', 'vitest')}`,
    ]);
    const ort = JSON.parse(
      readFileSync(join(app, 'node_modules/onnxruntime-node/package.json'), 'utf8'),
    ).version;
    console.log(`onnxruntime-node ${ort} installed (the newest in backend-onnx's peer range)`);
    show('node', ['train.mjs', 'onnx'], app);
    show('node', ['onnx-model.mjs'], app);
    const cli = join(app, 'node_modules/.bin/rnnkit-onnx');
    const inspect = run(cli, ['inspect', 'model.onnx'], app);
    if (!inspect.includes('LSTM')) throw new Error(`rnnkit-onnx inspect:\n${inspect}`);
    console.log(`rnnkit-onnx inspect: ${inspect.split('\n')[0]}`);
    const both = run(cli, ['run', 'model.onnx', '--engine', 'both'], app);
    console.log(`rnnkit-onnx run --engine both: ${both.trim().split('\n').at(-1)}`);
    // an onnxruntime-node release whose internal binding has another shape: the public API
    // still loads, the session class the backend drives is gone
    const ortDist = join(app, 'node_modules/onnxruntime-node/dist');
    const original = readFileSync(join(ortDist, 'binding.js'));
    writeFileSync(join(ortDist, 'binding-original.js'), original);
    writeFileSync(
      join(ortDist, 'binding.js'),
      "const o = require('./binding-original.js');\n" +
        'module.exports = { ...o, binding: { ...o.binding, InferenceSession: undefined } };\n',
    );
    try {
      show('node', ['onnx-missing.mjs', 'incompatible', ortRange], app);
    } finally {
      writeFileSync(join(ortDist, 'binding.js'), original);
    }
    const vitest = run(join(app, 'node_modules/.bin/vitest'), ['run', 'conformance.test.mjs'], app);
    const tests = stripVTControlCharacters(vitest).match(/Tests\s+.*/)?.[0];
    console.log(`backend-conformance on js from its tarball: ${tests}`);
    checkTypeScriptConsumer(app, packs);
    copyFileSync(join(app, 'model.onnx'), join(work, 'model.onnx'));
  }

  // 5. @rnnkit/onnx with its README's install lines and nothing else: the first line (onnx and
  // core) imports and inspects; run on rnnkit says to install cells; with onnxruntime-node (the
  // README's optional line), run --engine ort works.
  {
    const readme = readFileSync(join(root, 'packages/onnx/README.md'), 'utf8');
    const lines = [...readme.matchAll(/^(?:\S+=\S+ )?npm install (.+)$/gm)].map((m) =>
      m[1].split(' '),
    );
    const onnxPeers = packs.get('@rnnkit/onnx').pkg.json.peerDependencies;
    const spec = (name) =>
      name.startsWith('@rnnkit/')
        ? tarball(name.slice(8))
        : `${name}@${onnxPeers[name] ?? 'latest'}`;
    const [first] = lines;
    const ortLine = lines.find((l) => l.includes('onnxruntime-node'));
    if (!first?.includes('@rnnkit/onnx') || !ortLine) {
      throw new Error(`packages/onnx/README.md: no install lines for onnx and onnxruntime-node`);
    }
    const app = emptyApp('onnx-only');
    copyFileSync(join(work, 'model.onnx'), join(app, 'model.onnx'));
    npmInstall(app, `README install line: ${first.join(' ')}`, first.map(spec));
    if (readdirSync(join(app, 'node_modules/@rnnkit')).includes('cells')) {
      throw new Error(
        'the onnx-only project has @rnnkit/cells; the check needs a project without it',
      );
    }
    show(
      'node',
      [
        '--input-type=module',
        '-e',
        "await import('@rnnkit/onnx'); console.log('import @rnnkit/onnx without cells: ok')",
      ],
      app,
    );
    const cli = join(app, 'node_modules/.bin/rnnkit-onnx');
    const inspect = run(cli, ['inspect', 'model.onnx'], app);
    if (!inspect.includes('LSTM')) throw new Error(`rnnkit-onnx inspect:\n${inspect}`);
    console.log(`rnnkit-onnx inspect without cells: ${inspect.split('\n')[0]}`);
    const hint = fails(cli, ['run', 'model.onnx'], app, 'npm install @rnnkit/cells');
    console.log(`rnnkit-onnx run without cells: ${hint}`);
    npmInstall(app, `+ README line: ${ortLine.join(' ')}`, ortLine.map(spec));
    const ortRun = run(cli, ['run', 'model.onnx', '--engine', 'ort'], app);
    console.log(`rnnkit-onnx run --engine ort without cells: ${ortRun.trim().split('\n').at(-1)}`);
  }

  // 6. the apps from their tarballs, with their declared dependencies only (other @rnnkit
  // packages from their tarballs): each binary trains a few steps on js; the optional backends
  // are not installed, and asking for onnx names the package to install.
  {
    const app = emptyApp('apps');
    const apps = ['@rnnkit/sine', '@rnnkit/char-text'];
    const names = rnnkitClosure(apps, packs);
    npmInstall(
      app,
      `${apps.join(' + ')} (with ${names.length - apps.length} @rnnkit dependencies)`,
      names.map((n) => packs.get(n).tarball),
    );
    const installed = readdirSync(join(app, 'node_modules/@rnnkit'));
    for (const optional of ['backend-onnx', 'backend-tfjs']) {
      if (installed.includes(optional)) throw new Error(`the apps project has @rnnkit/${optional}`);
    }
    writeFileSync(
      join(app, 'small.txt'),
      'the quick brown fox jumps over the lazy dog.\n'.repeat(60),
    );
    const bin = (name) => join(app, 'node_modules/.bin', name);
    const small = ['--hidden', '8', '--progress', 'none'];
    const sine = run(
      bin('rnnkit-sine'),
      [
        '--epochs',
        '1',
        '--points',
        '300',
        '--t-end',
        '30',
        '--window',
        '10',
        '--plot',
        'sine.png',
        '--no-chart',
        ...small,
      ],
      app,
    );
    if (!sine.includes('plot written to sine.png')) throw new Error(`rnnkit-sine:\n${sine}`);
    // --backend auto without the optional backends: js, saying why the others did not start
    const autoJs =
      'backend: js (auto: onnx unavailable: @rnnkit/backend-onnx is not installed; tfjs-wasm unavailable: @rnnkit/backend-tfjs is not installed;';
    if (!sine.startsWith(autoJs)) throw new Error(`rnnkit-sine's first line:\n${sine}`);
    console.log(`rnnkit-sine from its tarball: ${sine.split('\n')[0]}`);
    console.log(
      `rnnkit-sine from its tarball: ${sine
        .trim()
        .split('\n')
        .find((l) => l.startsWith('forecast'))}`,
    );
    const charArgs = ['--steps', '3', '--seq', '16', '--batch', '4', ...small];
    for (const corpus of [
      ['--text', 'small.txt'],
      ['--corpus', 'sotu', '--years', '2020'],
    ]) {
      const out = run(
        bin('rnnkit-char-text'),
        ['train', ...corpus, '--out', `run-${corpus[1]}`, ...charArgs],
        app,
      );
      if (!out.includes('at step 3') || !out.startsWith(autoJs))
        throw new Error(`rnnkit-char-text train ${corpus.join(' ')}:\n${out}`);
      console.log(
        `rnnkit-char-text train ${corpus.join(' ')}: ${out.split('\n').find((l) => l.startsWith('final validation'))}`,
      );
    }
    const hint = 'npm install @rnnkit/backend-onnx';
    const sineOnnx = fails(
      bin('rnnkit-sine'),
      ['--backend', 'onnx', '--epochs', '1', ...small],
      app,
      hint,
    );
    console.log(`rnnkit-sine --backend onnx without it: ${sineOnnx}`);
    const charOnnx = fails(
      bin('rnnkit-char-text'),
      ['train', '--text', 'small.txt', '--backend', 'onnx', '--out', 'run-onnx', ...charArgs],
      app,
      hint,
    );
    console.log(`rnnkit-char-text train --backend onnx without it: ${charOnnx}`);
  }

  // 7. a browser project on Vite, built, served and run in headless Chromium.
  {
    const app = emptyApp('web');
    for (const f of readdirSync(join(consumers, 'web'))) {
      copyFileSync(join(consumers, 'web', f), join(app, f));
    }
    const names = ['core', 'backend-js', 'cells', 'data', 'train', 'onnx', 'backend-tfjs'];
    const playground = (name) => `${name}@${depVersion('apps/playground', name)}`;
    const tool = (name) => `${name}@${devVersion('apps/playground', name)}`;
    npmInstall(app, 'browser project: 8 packages + tfjs + onnxruntime-web + vite + typescript', [
      ...[...names, 'backend-onnx'].map(tarball),
      playground('@tensorflow/tfjs-core'),
      playground('@tensorflow/tfjs-backend-wasm'),
      playground('@tensorflow/tfjs-backend-webgl'),
      `onnxruntime-web@${peerRange('packages/backend-onnx', 'onnxruntime-web')}`,
      tool('vite'),
      tool('esbuild'),
      tool('playwright-core'),
      `typescript@${devVersion('.', 'typescript')}`,
    ]);
    show('node', ['drive.mjs'], app);
  }

  releaseDryRun();
  console.log('\ninstalls (npm, from tarballs, shared cache):');
  console.log('| combination | worked | install time | node_modules size |');
  console.log('| --- | --- | --- | --- |');
  for (const i of installs) {
    console.log(`| ${i.label} | yes | ${i.seconds.toFixed(1)} s | ${i.mib.toFixed(1)} MiB |`);
  }
  console.log('selective install: OK');
} finally {
  rmSync(work, { recursive: true, force: true });
}
