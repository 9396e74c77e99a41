// What npm users and tools look for in each tarball: the built entry points (an empty or missing
// dist fails: `pnpm pack` without a build used to ship package.json and README.md only), the
// LICENSE (the root one), the metadata fields, and source maps whose sources ship with them.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { root } from './workspace.mjs';

const FIELDS = ['license', 'repository', 'homepage', 'bugs', 'keywords', 'engines', 'description'];

const list = (tarball) =>
  execFileSync('tar', ['-tzf', tarball]).toString().trim().split('\n').filter(Boolean);
const read = (tarball, file) => execFileSync('tar', ['-xzOf', tarball, file]).toString();

/** Every file an `exports`/`main`/`types`/`bin` field of `json` names. */
function entryFiles(json) {
  const out = new Set();
  const walk = (v) => {
    if (typeof v === 'string') out.add(v);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(json.exports);
  walk(json.main);
  walk(json.types);
  walk(json.bin);
  return [...out].map((f) => posix.normalize(f));
}

/** Problems with one tarball (empty when it is fine). */
export function checkTarball(name, tarball) {
  const files = new Set(list(tarball).map((f) => f.replace(/^package\//, '')));
  const problems = [];
  const dist = [...files].filter((f) => f.startsWith('dist/') && f.endsWith('.js'));
  if (dist.length === 0) problems.push('no dist/*.js: the package was packed without a build');
  const json = JSON.parse(read(tarball, 'package/package.json'));
  for (const f of entryFiles(json)) {
    if (!files.has(f)) problems.push(`entry point ${f} is not in the tarball`);
  }
  if (!files.has('LICENSE')) problems.push('no LICENSE');
  else if (read(tarball, 'package/LICENSE') !== readFileSync(`${root}/LICENSE`, 'utf8')) {
    problems.push('LICENSE differs from the repository LICENSE');
  }
  for (const f of FIELDS) {
    const v = json[f];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) {
      problems.push(`package.json has no "${f}"`);
    }
  }
  if (json.repository && !json.repository.directory) problems.push('repository has no directory');
  for (const map of [...files].filter((f) => f.endsWith('.js.map'))) {
    const { sources, sourcesContent } = JSON.parse(read(tarball, `package/${map}`));
    for (const [i, s] of sources.entries()) {
      const target = posix.join(posix.dirname(map), s);
      if (!files.has(target) && !sourcesContent?.[i]) {
        problems.push(`${map} names ${s}, which is not in the tarball`);
      }
    }
  }
  return problems.map((p) => `${name}: ${p}`);
}

/** Checks every tarball; throws listing all problems. */
export function checkTarballs(packs) {
  const problems = [];
  for (const [name, { tarball }] of packs) problems.push(...checkTarball(name, tarball));
  if (problems.length) throw new Error(`tarball check:\n  ${problems.join('\n  ')}`);
  console.log(
    `tarball check: ${packs.size} tarballs with dist, LICENSE, metadata and mapped sources`,
  );
}
