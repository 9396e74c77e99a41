#!/usr/bin/env node
// Release dry run: on a scratch copy of the workspace's manifests (package.json files,
// pnpm-workspace.yaml, .changeset/), adds a changeset with a minor change to @rnnkit/core, runs
// `changeset version` there and prints the versions and @rnnkit ranges users would see.
// Fails if any package jumps a major (0.x -> 1.0 included) or if the public packages end on different versions
// (.changeset/config.json keeps them in one fixed group: a user installs matching versions).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publicPackages, root, workspacePackages } from './workspace.mjs';

export function releaseDryRun() {
  const scratch = mkdtempSync(join(tmpdir(), 'rnnkit-release-'));
  try {
    for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset']) {
      cpSync(join(root, f), join(scratch, f), { recursive: true });
    }
    const before = new Map();
    for (const pkg of workspacePackages()) {
      mkdirSync(join(scratch, pkg.dir), { recursive: true });
      cpSync(join(pkg.path, 'package.json'), join(scratch, pkg.dir, 'package.json'));
      before.set(pkg.name, pkg.json.version);
    }
    writeFileSync(
      join(scratch, '.changeset/dry-run-core-minor.md'),
      "---\n'@rnnkit/core': minor\n---\n\nA minor change to core (release dry run).\n",
    );
    const bin = join(root, 'node_modules/.bin/changeset');
    execFileSync(bin, ['version'], { cwd: scratch, stdio: ['ignore', 'pipe', 'inherit'] });

    const problems = [];
    const rows = [];
    const released = new Set();
    const versions = new Map();
    for (const pkg of publicPackages()) {
      const after = JSON.parse(readFileSync(join(scratch, pkg.dir, 'package.json'), 'utf8'));
      versions.set(pkg.name, after);
    }
    for (const pkg of publicPackages()) {
      const after = versions.get(pkg.name);
      const was = before.get(pkg.name);
      released.add(after.version);
      // as `pnpm publish` writes them: workspace:^ becomes ^version, workspace:* the version
      const ranges = Object.entries({ ...after.dependencies, ...after.peerDependencies })
        .filter(([n]) => n.startsWith('@rnnkit/'))
        .map(([n, r]) => {
          const v = versions.get(n)?.version ?? before.get(n);
          return `${n.slice(8)} ${r
            .replace(/^workspace:\*$/, v)
            .replace(/^workspace:([~^])$/, `$1${v}`)
            .replace(/^workspace:/, '')}`;
        })
        .join(', ');
      rows.push(`  ${pkg.name.padEnd(28)} ${was} -> ${after.version.padEnd(8)} ${ranges}`);
      if (after.version.split('.')[0] !== was.split('.')[0]) {
        problems.push(`${pkg.name} jumped a major: ${was} -> ${after.version}`);
      }
    }
    console.log('release dry run (a minor changeset for @rnnkit/core), versions users would see:');
    console.log(rows.join('\n'));
    if (released.size > 1) {
      problems.push(`public packages end on different versions: ${[...released].join(', ')}`);
    }
    if (problems.length) throw new Error(`release dry run:\n  ${problems.join('\n  ')}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) releaseDryRun();
