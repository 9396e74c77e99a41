import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cachedFile,
  DownloadError,
  sha256Hex,
  TINY_SHAKESPEARE,
  tinyShakespeare,
} from './download.js';
import { shakespearePath } from './test-utils/shared.js';

/** `file:` URLs (a local copy, for working offline): read from disk, checksum rules as for downloads. */

let dir: string;
let cacheDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-fileurl-'));
  cacheDir = join(dir, 'cache');
});
afterEach(() => {
  delete process.env.RNNKIT_TINYSHAKESPEARE_URL;
  rmSync(dir, { recursive: true, force: true });
});

describe('file: URLs', () => {
  it('a small file with its checksum is read and cached', async () => {
    const src = join(dir, 'small.txt');
    const bytes = Buffer.from('To be, or not to be\n');
    writeFileSync(src, bytes);
    const got = await cachedFile({
      url: pathToFileURL(src).href,
      sha256: sha256Hex(bytes),
      fileName: 'small.txt',
      label: 'a small file',
      cacheDir,
    });
    expect(Buffer.from(got.bytes).equals(bytes)).toBe(true);
    expect(got.path).toBe(join(cacheDir, 'small.txt'));
    expect(readFileSync(got.path).equals(bytes)).toBe(true);
  });

  it('RNNKIT_TINYSHAKESPEARE_URL=file:///… to a small file fails the checksum and caches nothing', async () => {
    const src = join(dir, 'input.txt');
    writeFileSync(src, 'First Citizen:\nBefore we proceed any further, hear me speak.\n');
    process.env.RNNKIT_TINYSHAKESPEARE_URL = pathToFileURL(src).href;
    const err = await tinyShakespeare({ cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toContain(
      `tiny Shakespeare downloaded from ${pathToFileURL(src).href} has SHA-256 `,
    );
    expect((err as Error).message).toContain(`expected ${TINY_SHAKESPEARE.sha256}`);
    expect(existsSync(join(cacheDir, TINY_SHAKESPEARE.fileName))).toBe(false);
  });

  it('RNNKIT_TINYSHAKESPEARE_URL=file:///… to the real file works offline and fills the cache', async () => {
    process.env.RNNKIT_TINYSHAKESPEARE_URL = pathToFileURL(shakespearePath()).href;
    const c = await tinyShakespeare({ cacheDir });
    expect(c.text.length).toBe(TINY_SHAKESPEARE.bytes);
    expect(c.source).toBe(join(cacheDir, TINY_SHAKESPEARE.fileName));
    expect(sha256Hex(readFileSync(c.source))).toBe(TINY_SHAKESPEARE.sha256);
  });

  it('a file: URL to nothing says the file is missing, not "not implemented"', async () => {
    const url = pathToFileURL(join(dir, 'missing.txt')).href;
    const err = await tinyShakespeare({ cacheDir, url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toBe(
      `cannot read tiny Shakespeare from ${url} (ENOENT); give the file URL of a copy that exists (file:///absolute/path)`,
    );
  });
});
