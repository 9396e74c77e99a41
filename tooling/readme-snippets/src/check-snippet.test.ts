import { describe, expect, test } from 'vitest';
import { checkSnippet } from './check-snippet.js';
import type { Snippet } from './snippets.js';

// Each case runs a real `node` process on a block, as the README suite does.
const js = (code: string): Snippet => ({ line: 10, kind: 'js', code });
const ts = (code: string): Snippet => ({ line: 10, kind: 'ts', code });
const options = { timeoutMs: 30_000 };

describe('checkSnippet', () => {
  test('a block that runs passes; it imports the built @rnnkit packages by name', async () => {
    const code = [
      "import '@rnnkit/backend-js';",
      "import { tensor } from '@rnnkit/core';",
      'if (tensor([1, 2]).shape[0] !== 2) throw new Error("bad shape");',
    ].join('\n');
    expect(await checkSnippet('docs/README.md', js(code), options)).toBeUndefined();
  });

  test('a block that throws fails with the README path and the line it threw at', async () => {
    const code = ['const a = 1;', 'console.log(a);', 'undefinedName.run();'].join('\n');
    const failure = await checkSnippet('docs/README.md', js(code), options);
    expect(failure).toMatch(/^docs\/README\.md:10: this js block does not run as written/);
    // The fence is at line 10, so the block's third line is the README's line 13.
    expect(failure).toContain('docs/README.md:13');
    expect(failure).toContain('ReferenceError: undefinedName is not defined');
    expect(failure).toContain('<!-- snippet: excerpt — <reason> -->');
  });

  test('a block runs in a fresh empty folder: it makes the files it reads, and they are removed', async () => {
    const code = [
      "import { readdirSync, readFileSync, writeFileSync } from 'node:fs';",
      "if (readdirSync('.').length !== 0) throw new Error('the folder is not empty');",
      "writeFileSync('made.json', JSON.stringify({ cwd: process.cwd() }));",
      "console.log(JSON.parse(readFileSync('made.json', 'utf8')).cwd);",
    ].join('\n');
    expect(await checkSnippet('README.md', js(code), options)).toBeUndefined();
    // A second run sees an empty folder again (the first line would throw otherwise).
    expect(await checkSnippet('README.md', js(code), options)).toBeUndefined();
  });

  test('a block that reads a file it never made fails', async () => {
    const code = "import { readFileSync } from 'node:fs';\nreadFileSync('lstm.json', 'utf8');";
    const failure = await checkSnippet('README.md', js(code), options);
    expect(failure).toContain("ENOENT: no such file or directory, open 'lstm.json'");
  });

  test('a block importing a package the harness lacks says where to add it', async () => {
    const failure = await checkSnippet(
      'README.md',
      js("import '@rnnkit/no-such-package';"),
      options,
    );
    expect(failure).toContain("Cannot find package '@rnnkit/no-such-package'");
    expect(failure).toContain('tooling/readme-snippets/package.json');
  });

  test('a block still running at the time limit is killed and fails', async () => {
    const failure = await checkSnippet('README.md', js('setInterval(() => {}, 1000);'), {
      timeoutMs: 1000,
    });
    expect(failure).toContain('still running after 1 s and killed');
  });

  test('a TypeScript block is type-checked, then run with its types stripped', async () => {
    const good = [
      "import type { Tensor } from '@rnnkit/core';",
      "import { writeFileSync } from 'node:fs';",
      'interface Batch { x: Tensor }',
      'const n: number = 2;',
      "writeFileSync('ran.txt', String(n));",
    ].join('\n');
    expect(await checkSnippet('README.md', ts(good), options)).toBeUndefined();

    const wrongType = ['interface Batch {', '  x: Tensr;', '}'].join('\n');
    const failure = await checkSnippet('README.md', ts(wrongType), options);
    expect(failure).toMatch(/^README\.md:10: this ts block does not run as written: type errors/);
    expect(failure).toContain("README.md:12: Cannot find name 'Tensr'");

    const throws = "const n: number = 1;\nif (n === 1) throw new Error('ran and threw');";
    expect(await checkSnippet('README.md', ts(throws), options)).toContain('ran and threw');
  });
});
