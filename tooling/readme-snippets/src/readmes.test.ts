import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkSnippet } from './check-snippet.js';
import { findReadmes, repoRoot } from './find-readmes.js';
import { findSnippets } from './snippets.js';

// Every JavaScript and TypeScript block of every README.md runs here, each in its own process and
// empty working folder; a block that should not run carries the excerpt marker on the line before
// it (EXCERPT_MARKER in snippets.ts).

/** A README example is what a user runs first: it must finish well within this. */
const SNIPPET_TIMEOUT_MS = 60_000;

// CI reaches no network beyond npm, so the snippets share a download cache that already holds tiny
// Shakespeare, as a user's cache does after their first run (the repository's tests read the same
// file from ../shared/data). The download itself is tested in @rnnkit/data.
const cacheDir = mkdtempSync(join(tmpdir(), 'rnnkit-snippet-cache-'));
const shakespeare = resolve(repoRoot, '../shared/data/tinyshakespeare.txt');
if (existsSync(shakespeare)) copyFileSync(shakespeare, join(cacheDir, 'tinyshakespeare.txt'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const readmes = findReadmes();

test('the harness finds the READMEs and their blocks', () => {
  expect(readmes).toContain('README.md');
  expect(readmes).toContain('packages/cells/README.md');
  const blocks = readmes.flatMap(
    (r) => findSnippets(readFileSync(join(repoRoot, r), 'utf8')).snippets,
  );
  expect(blocks.filter((b) => !b.excerpt).length).toBeGreaterThan(10);
});

describe.each(readmes)('%s', (readme) => {
  const { snippets, problems } = findSnippets(readFileSync(join(repoRoot, readme), 'utf8'));

  test('its snippet markers are well-formed', () => {
    expect(problems.map((p) => `${readme}:${p.line}: ${p.message}`)).toEqual([]);
  });

  for (const snippet of snippets) {
    const name = `${readme}:${snippet.line}`;
    if (snippet.excerpt) {
      // Skipped on purpose: the README marks this block as an excerpt (not a whole program) and
      // gives the reason, which the skipped test's name shows in every run.
      test.skip(`${name} (excerpt: ${snippet.excerpt})`, () => {});
      continue;
    }
    test(
      `${name} runs`,
      async () => {
        const failure = await checkSnippet(readme, snippet, {
          timeoutMs: SNIPPET_TIMEOUT_MS,
          env: { RNNKIT_CACHE_DIR: cacheDir },
        });
        if (failure) throw new Error(failure);
      },
      SNIPPET_TIMEOUT_MS + 30_000,
    );
  }
});
