import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { buildIsFresh } from './fresh-build.js';

// Builds the playground (unless its dist/ is newer than every input) and serves the build with
// `vite preview` (the COOP/COEP headers of vite.config.ts included) on a free port.

const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildAndServe(): Promise<{ url: string; close(): Promise<void> }> {
  if (!buildIsFresh(root)) await build({ root, logLevel: 'error' });
  const server = await preview({
    root,
    preview: { port: 0, host: '127.0.0.1' },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview started but reported no local URL');
  return { url, close: () => server.close() };
}
