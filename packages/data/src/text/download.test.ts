import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError, sha256Hex, TINY_SHAKESPEARE, tinyShakespeare } from './download.js';
import { shakespearePath } from './test-utils/shared.js';

const original = readFileSync(shakespearePath());
let server: Server;
let base: string;
let closedUrl: string; // a port nothing listens on: connections are refused
const hits: string[] = [];

beforeAll(async () => {
  // Serves the real file at /input.txt, a damaged copy at /damaged.txt and a 404 elsewhere.
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/input.txt') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(original);
    } else if (req.url === '/damaged.txt') {
      const copy = Buffer.from(original);
      copy[1000] ^= 0x20; // one flipped bit: same length, different hash
      res.writeHead(200);
      res.end(copy);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/input.txt`;
  await new Promise<void>((ok) => closed.close(() => ok()));
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

let cacheDir: string;
beforeEach(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'rnnkit-cache-'));
  hits.length = 0;
  return () => rmSync(cacheDir, { recursive: true, force: true });
});

describe('tinyShakespeare (download path against a local server)', () => {
  it('knows the canonical URL and checksum of the shared file', () => {
    expect(TINY_SHAKESPEARE.url).toBe(
      'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
    );
    expect(original.length).toBe(TINY_SHAKESPEARE.bytes);
    expect(sha256Hex(original)).toBe(TINY_SHAKESPEARE.sha256);
  });

  it('downloads, verifies and caches on first use, then works offline', async () => {
    const c = await tinyShakespeare({ cacheDir, url: `${base}/input.txt` });
    expect(hits).toEqual(['/input.txt']);
    expect(c.name).toBe('tinyshakespeare');
    expect(c.text.length).toBe(1_115_394);
    const cached = join(cacheDir, 'tinyshakespeare.txt');
    expect(c.source).toBe(cached);
    expect(readFileSync(cached).equals(original)).toBe(true);
    // offline: a URL that refuses connections; the cache answers
    const again = await tinyShakespeare({ cacheDir, url: closedUrl });
    expect(again.text).toBe(c.text);
    expect(hits).toEqual(['/input.txt']);
  });

  it('takes the URL from RNNKIT_TINYSHAKESPEARE_URL', async () => {
    process.env.RNNKIT_TINYSHAKESPEARE_URL = `${base}/input.txt`;
    try {
      await tinyShakespeare({ cacheDir });
    } finally {
      delete process.env.RNNKIT_TINYSHAKESPEARE_URL;
    }
    expect(hits).toEqual(['/input.txt']);
  });

  it('rejects a download with the wrong checksum and caches nothing', async () => {
    const err = await tinyShakespeare({ cacheDir, url: `${base}/damaged.txt` }).catch((e) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toContain(
      `tiny Shakespeare downloaded from ${base}/damaged.txt has SHA-256`,
    );
    expect(err.message).toContain(`expected ${TINY_SHAKESPEARE.sha256}`);
    expect(err.message).toContain('it was not cached');
    expect(existsSync(join(cacheDir, 'tinyshakespeare.txt'))).toBe(false);
  });

  it('fetches again when the cached copy is damaged', async () => {
    writeFileSync(join(cacheDir, 'tinyshakespeare.txt'), original.subarray(0, 5000));
    const c = await tinyShakespeare({ cacheDir, url: `${base}/input.txt` });
    expect(c.text.length).toBe(1_115_394);
    expect(hits).toEqual(['/input.txt']);
  });

  it('says so clearly when offline with no cache, or the server answers 404', async () => {
    const offline = await tinyShakespeare({ cacheDir, url: closedUrl }).catch((e) => e);
    expect(offline).toBeInstanceOf(DownloadError);
    expect(offline.message).toBe(
      `cannot download tiny Shakespeare from ${closedUrl} (ECONNREFUSED) and there is no cached copy at ${join(cacheDir, 'tinyshakespeare.txt')}. Connect to the internet once (it is cached afterwards), or download the file yourself and put it there`,
    );
    const missing = await tinyShakespeare({ cacheDir, url: `${base}/moved.txt` }).catch((e) => e);
    expect(missing.message).toContain('(HTTP 404 Not Found)');
  });
});
