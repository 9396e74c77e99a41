import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUrl } from '../portable.js';

// A real HTTP server on localhost: the corpus is fetched the way a page fetches a bundled asset.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/corpus/verse.txt')) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Shall I compare thee to a summer’s day?\n');
    } else if (req.url === '/one.txt') res.end('x');
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fromUrl', () => {
  it('fetches the text as UTF-8, named by the last path segment', async () => {
    const c = await fromUrl(`${base}/corpus/verse.txt?v=1`);
    expect(c).toEqual({
      name: 'verse.txt',
      source: `${base}/corpus/verse.txt?v=1`,
      text: 'Shall I compare thee to a summer’s day?\n',
    });
    expect((await fromUrl(new URL('/corpus/verse.txt', base), { name: 'sonnet' })).name).toBe(
      'sonnet',
    );
  });

  it('a missing file names the URL and the status', async () => {
    await expect(fromUrl(`${base}/gone.txt`)).rejects.toThrow(
      `cannot fetch the corpus ${base}/gone.txt: the server answered 404 Not Found`,
    );
  });

  it('an unreachable server and a one-character text are refused clearly', async () => {
    await expect(fromUrl('http://127.0.0.1:1/x.txt')).rejects.toThrow(
      'cannot fetch the corpus http://127.0.0.1:1/x.txt: fetch failed',
    );
    await expect(fromUrl(`${base}/one.txt`)).rejects.toThrow('has only one character');
  });
});
