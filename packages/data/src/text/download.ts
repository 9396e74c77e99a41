import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkOptions, type OptionKeys, RnnkitError } from '@rnnkit/core';
import type { TextCorpus } from './corpus.js';

/** The canonical tiny Shakespeare file (Karpathy's char-rnn data). */
export const TINY_SHAKESPEARE = {
  url: 'https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt',
  sha256: '86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed',
  bytes: 1_115_394,
  fileName: 'tinyshakespeare.txt',
} as const;

/** A checksum or download failure; nothing was cached. */
export class DownloadError extends RnnkitError {
  override name = 'DownloadError';
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Where downloads are cached by default: `$RNNKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/rnnkit`, else
 * `~/.cache/rnnkit`.
 */
export function defaultCacheDir(): string {
  if (process.env.RNNKIT_CACHE_DIR) return process.env.RNNKIT_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rnnkit');
}

export interface CachedFileOptions {
  url: string;
  sha256: string;
  /** File name inside `cacheDir`. */
  fileName: string;
  /** Label for messages ('tiny Shakespeare'). */
  label: string;
  cacheDir?: string;
  /** Give up on the download after this long (default 120 s). */
  timeoutMs?: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

function why(e: unknown): string {
  const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  if (typeof err.code === 'string' && err.code.startsWith('E')) return err.code;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/**
 * Returns the bytes of a file cached in `cacheDir`, downloading it on first use. The download is
 * verified against `sha256` before it is written (atomically) to the cache; a cached copy is
 * verified on every read and fetched again if it does not match. Works offline once cached.
 */
export async function cachedFile(
  o: CachedFileOptions,
): Promise<{ path: string; bytes: Uint8Array }> {
  const dir = o.cacheDir ?? defaultCacheDir();
  const path = join(dir, o.fileName);
  if (existsSync(path)) {
    const bytes = readFileSync(path);
    if (sha256Hex(bytes) === o.sha256) return { path, bytes };
    rmSync(path, { force: true }); // damaged or stale: fetch it again
  }
  let bytes: Uint8Array;
  // Node's fetch has no file: scheme; a local copy (offline use, tests) is read from disk instead
  const local = o.url.startsWith('file:');
  try {
    if (local) bytes = readFileSync(fileURLToPath(o.url));
    else {
      const res = await (o.fetch ?? fetch)(o.url, {
        signal: AbortSignal.timeout(o.timeoutMs ?? 120_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
      bytes = new Uint8Array(await res.arrayBuffer());
    }
  } catch (e) {
    throw new DownloadError(
      local
        ? `cannot read ${o.label} from ${o.url} (${why(e)}); give the file URL of a copy that exists (file:///absolute/path)`
        : `cannot download ${o.label} from ${o.url} (${why(e)}) and there is no cached copy at ${path}. Connect to the internet once (it is cached afterwards), or download the file yourself and put it there`,
    );
  }
  const got = sha256Hex(bytes);
  if (got !== o.sha256) {
    throw new DownloadError(
      `${o.label} downloaded from ${o.url} has SHA-256 ${got} (${bytes.length} bytes), expected ${o.sha256}; the download is damaged or the file changed, so it was not cached. Try again, or check the URL`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${o.fileName}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new DownloadError(`cannot write the ${o.label} cache ${path}: ${why(e)}`);
  }
  return { path, bytes };
}

export interface TinyShakespeareOptions {
  /** Cache folder (default `defaultCacheDir()`). */
  cacheDir?: string;
  /**
   * Download from here instead of the canonical URL: a mirror, or a `file:` URL of a local copy
   * (offline); also `$RNNKIT_TINYSHAKESPEARE_URL`. The SHA-256 is checked all the same.
   */
  url?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const TINY_KEYS: OptionKeys<TinyShakespeareOptions> = {
  cacheDir: 'optional',
  url: 'optional',
  timeoutMs: 'optional',
  fetch: 'optional',
};

/**
 * Tiny Shakespeare (1,115,394 bytes, 65 distinct characters): downloaded from its canonical URL
 * on first use, verified by SHA-256, cached in `cacheDir`, and read from the cache (offline)
 * afterwards.
 */
export async function tinyShakespeare(options: TinyShakespeareOptions = {}): Promise<TextCorpus> {
  checkOptions('tinyShakespeare', options, TINY_KEYS);
  const url = options.url ?? process.env.RNNKIT_TINYSHAKESPEARE_URL ?? TINY_SHAKESPEARE.url;
  const { path, bytes } = await cachedFile({
    url,
    sha256: TINY_SHAKESPEARE.sha256,
    fileName: TINY_SHAKESPEARE.fileName,
    label: 'tiny Shakespeare',
    cacheDir: options.cacheDir,
    timeoutMs: options.timeoutMs,
    fetch: options.fetch,
  });
  return { name: 'tinyshakespeare', source: path, text: new TextDecoder().decode(bytes) };
}
