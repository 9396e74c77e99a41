// Rules across the public packages' manifests and READMEs:
// - a registry package that several packages name as a peer has one range in all of them
//   (backend-onnx pinned onnxruntime-node to 1.30.0 while onnx asked for ^1.20.0);
// - every @rnnkit package a public package's README imports is itself public (core's README
//   sent backend authors to @rnnkit/backend-conformance while it was private).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicPackages, workspacePackages } from './workspace.mjs';

export function checkAcrossPackages() {
  const problems = [];
  const ranges = new Map();
  for (const { json } of publicPackages()) {
    for (const [dep, range] of Object.entries(json.peerDependencies ?? {})) {
      if (dep.startsWith('@rnnkit/')) continue;
      if (!ranges.has(dep)) ranges.set(dep, new Map());
      ranges.get(dep).set(json.name, range);
    }
  }
  for (const [dep, by] of ranges) {
    if (new Set(by.values()).size > 1) {
      const list = [...by].map(([n, r]) => `${n} ${r}`).join(', ');
      problems.push(`peer ${dep} has different ranges: ${list}; use one tested range`);
    }
  }
  const isPublic = new Set(publicPackages().map((p) => p.json.name));
  const all = new Set(workspacePackages().map((p) => p.json.name));
  for (const pkg of publicPackages()) {
    const readme = readFileSync(join(pkg.path, 'README.md'), 'utf8');
    for (const [, name] of readme.matchAll(/from '(@rnnkit\/[a-z-]+)/g)) {
      if (all.has(name) && !isPublic.has(name)) {
        problems.push(`${pkg.json.name}'s README imports ${name}, which is private`);
      }
    }
  }
  if (problems.length) throw new Error(`across packages:\n  ${problems.join('\n  ')}`);
  console.log(`across packages: peer ranges agree; READMEs import public packages only`);
}

if (process.argv[1] === import.meta.filename) checkAcrossPackages();
