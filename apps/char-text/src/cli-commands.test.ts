import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocation } from './invocation.js';
import { cli, ct, repoRoot, shakespeare, TINY } from './test-utils/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'rnnkit-char-text-commands-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const small = join(work, 'small.txt');
writeFileSync(small, readFileSync(shakespeare).subarray(0, 5000));

/** No package-manager script around the CLI (vitest itself may run under one). */
const PLAIN = { npm_lifecycle_event: '', npm_package_name: '', INIT_CWD: '' };

/**
 * What pnpm sets when the user types `pnpm char-text …` in `userDir`: the script runs in the
 * root package's folder (here a stand-in root with its own package.json), INIT_CWD is the user's.
 */
function underRootScript(root: string, userDir: string) {
  return {
    npm_package_name: 'rnnkit-monorepo',
    npm_lifecycle_event: 'char-text',
    npm_package_json: join(root, 'package.json'),
    INIT_CWD: userDir,
  };
}

describe('item 11: the printed commands work where the user is', () => {
  it('the root package.json has a script per CLI that builds it and runs its binary', () => {
    const root = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8'));
    const clis: [string, string][] = [
      ['char-text', 'apps/char-text'],
      ['sine', 'apps/sine'],
      ['rnnkit-onnx', 'packages/onnx'],
    ];
    for (const [script, dir] of clis) {
      const pkg = JSON.parse(readFileSync(join(repoRoot(), dir, 'package.json'), 'utf8'));
      const bin = Object.values(pkg.bin as Record<string, string>)[0];
      const command: string = root.scripts[script];
      expect(command, script).toMatch(
        new RegExp(`^turbo run build --filter=${pkg.name.replace('/', '\\/')}\\.\\.\\. `),
      );
      expect(command.endsWith(`&& node ${join(dir, bin)}`), command).toBe(true);
    }
  }, 30_000);

  it('under `pnpm char-text`: paths are the user’s and the printed commands are pnpm char-text', async () => {
    const root = join(work, 'checkout');
    const user = join(root, 'experiments');
    mkdirSync(user, { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"name":"rnnkit-monorepo"}');
    writeFileSync(join(user, 'text.txt'), readFileSync(small));
    const env = underRootScript(root, user);
    // pnpm starts the CLI in the root package's folder, not in the user's
    const args = ['train', '--text', 'text.txt', ...TINY, '--steps', '3', '--out', 'run'];
    const r = await ct(args, { env, cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(user, 'run', 'train-log.csv'), 'utf8')).toContain('step');
    expect(r.stdout).toContain('sample with: pnpm char-text sample run');
    const again = await ct(args, { env, cwd: root });
    expect(again.stderr).toContain(
      "already holds a run; continue it with 'pnpm char-text resume run', or pass --force",
    );
    // a folder with its own package.json: pnpm would look for the script there, so -w
    const nested = join(root, 'pkg');
    mkdirSync(nested);
    writeFileSync(join(nested, 'package.json'), '{"name":"other"}');
    const w = await ct(
      ['train', '--text', join(user, 'text.txt'), ...TINY, '--steps', '2', '--out', 'run2'],
      { env: underRootScript(root, nested), cwd: root },
    );
    expect(w.stdout).toContain('sample with: pnpm -w char-text sample run2');
  }, 60_000);

  it('run as node dist/cli.js: the printed commands are that, relative to the user’s folder', async () => {
    const r = await ct(
      ['train', '--text', small, ...TINY, '--steps', '2', '--out', join(work, 'plain')],
      { env: PLAIN, cwd: work },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`sample with: node ${cli} sample plain`);
    const out = join(work, 'plain2');
    const fromRoot = await ct(['train', '--text', small, ...TINY, '--steps', '2', '--out', out], {
      env: PLAIN,
      cwd: repoRoot(),
    });
    expect(fromRoot.stdout).toContain(`sample with: node apps/char-text/dist/cli.js sample ${out}`);
  }, 60_000);

  it('an installed binary prints its own name', () => {
    const bin = '/home/u/project/node_modules/@rnnkit/char-text/dist/cli.js';
    expect(invocation({}, bin, '/home/u/project').command).toBe('rnnkit-char-text');
    expect(invocation({}, '/usr/local/bin/rnnkit-char-text', '/tmp').command).toBe(
      'rnnkit-char-text',
    );
    const checkout = '/src/rnnkit/apps/char-text/dist/cli.js';
    expect(invocation({}, checkout, '/src/rnnkit').command).toBe('node apps/char-text/dist/cli.js');
  }, 30_000);
});

describe('item 12: option errors stay on screen and name the flags', () => {
  it('a bad option prints its error and one line pointing at --help', async () => {
    const r = await ct(['train', '--hidden', 'many'], { env: PLAIN });
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('--hidden must be a positive integer');
    expect(lines[1]).toMatch(/train --help lists its options/);
    const unknown = await ct(['sample', 'x', '--temprature', '1'], { env: PLAIN });
    // the error, commander's suggestion and the pointer
    expect(unknown.stderr.trim().split('\n')).toHaveLength(3);
    expect(unknown.stderr).toContain('sample --help lists its options');
    expect(unknown.stderr).toContain("unknown option '--temprature'");
  }, 30_000);

  it('errors raised by the data library name --val-fraction, --seq and --batch', async () => {
    let r = await ct([
      'train',
      '--text',
      small,
      '--val-fraction',
      '0.0001',
      '--out',
      join(work, 'v'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--val-fraction 0.0001');
    expect(r.stderr).not.toMatch(/validationFraction|splitText/);
    r = await ct(['train', '--text', small, '--seq', '4000', '--out', join(work, 's')]);
    expect(r.stderr).toContain('a smaller --batch or --seq');
    expect(r.stderr).not.toMatch(/sequence length|batch size/);
  }, 30_000);

  it('an --out that is a file, or lies under one, is named as such (no EEXIST/ENOTDIR)', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    let r = await ct(['train', '--text', small, ...TINY, '--out', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--out ${file} is a file, not a folder`);
    r = await ct(['train', '--text', small, ...TINY, '--out', join(file, 'run')]);
    expect(r.stderr).toContain(`cannot create the run folder --out ${join(file, 'run')}`);
    expect(r.stderr).not.toMatch(/EEXIST|ENOTDIR|mkdir/);
  }, 30_000);
});

describe('item 14: --top-k and --help', () => {
  const trained = join(work, 'trained');
  beforeAll(async () => {
    const r = await ct(['train', '--text', small, ...TINY, '--steps', '3', '--out', trained]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it('a --top-k above the vocabulary says it is clamped and samples as --top-k 0', async () => {
    const big = await ct(['sample', trained, '--length', '40', '--top-k', '500', '--seed', '2']);
    expect(big.code, big.stderr).toBe(0);
    expect(big.stderr).toContain(
      '--top-k 500 is more than the 53 characters the model knows: drawing among all 53',
    );
    const all = await ct(['sample', trained, '--length', '40', '--top-k', '0', '--seed', '2']);
    expect(big.stdout).toBe(all.stdout);
    expect(all.stderr).not.toContain('--top-k');
  }, 30_000);

  it('--help names every backend, onnx-cuda included, in each command', async () => {
    for (const cmd of ['train', 'resume', 'sample', 'eval']) {
      const r = await ct([cmd, '--help']);
      expect(r.stdout.replace(/\s+/g, ' '), cmd).toContain(
        'js, tfjs-cpu, tfjs-wasm, tfjs-webgl, onnx, onnx-cuda',
      );
    }
  }, 30_000);

  it('the README documents every option that --help lists', async () => {
    const readme = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
    const missing: string[] = [];
    for (const cmd of ['train', 'resume', 'sample', 'eval']) {
      const help = (await ct([cmd, '--help'])).stdout;
      for (const flag of new Set(help.match(/--[a-z][a-z-]+/g)))
        if (flag !== '--help' && !readme.includes(`\`${flag}`)) missing.push(`${cmd} ${flag}`);
    }
    expect(missing).toEqual([]);
  }, 30_000);
});
