import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildIsFresh } from './fresh-build.js';

// The page test serves an existing build only when nothing it was built from changed after it.
// A fake app on disk: its files get explicit modification times.

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, seconds: number, text = ''): void {
  const file = join(root, path);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, seconds, seconds);
}

function fakeApp(): void {
  root = mkdtempSync(join(tmpdir(), 'rnnkit-fresh-build-'));
  const pkg = { dependencies: { '@rnnkit/core': 'workspace:^', uplot: '^1.6.32' } };
  write('package.json', 1000, JSON.stringify(pkg));
  write('index.html', 1000);
  write('vite.config.ts', 1000);
  write('src/main.ts', 1000);
  write('node_modules/@rnnkit/core/dist/index.js', 1000);
  write('dist/index.html', 2000);
}

describe('buildIsFresh', () => {
  it('reuses a build newer than every input', () => {
    fakeApp();
    expect(buildIsFresh(root)).toBe(true);
  });

  it('builds again after a source of the page changed', () => {
    fakeApp();
    write('src/ui/new-file.ts', 3000);
    expect(buildIsFresh(root)).toBe(false);
  });

  it('builds again after a workspace package it uses was rebuilt', () => {
    fakeApp();
    write('node_modules/@rnnkit/core/dist/index.js', 3000);
    expect(buildIsFresh(root)).toBe(false);
  });

  it('builds when there is no build', () => {
    fakeApp();
    rmSync(join(root, 'dist'), { recursive: true });
    expect(buildIsFresh(root)).toBe(false);
  });
});
