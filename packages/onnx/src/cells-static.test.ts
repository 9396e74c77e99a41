import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { api as peerApi } from './cells-peer.js';
import { api as staticApi } from './cells-static.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const src = fileURLToPath(new URL('.', import.meta.url));

describe('#cells-peer in bundles', () => {
  it('gives what cells-peer gives when @rnnkit/cells is installed', () => {
    expect(Object.keys(staticApi).sort()).toEqual(Object.keys(peerApi).sort());
    for (const k of Object.keys(peerApi))
      expect(staticApi[k as keyof typeof staticApi]).toBe(peerApi[k as keyof typeof peerApi]);
  });

  it('bundles the package without top-level await, so a classic worker can hold it', async () => {
    // the target package.json names for bundles, read from the source beside it
    const target: string = pkg.imports['#cells-peer'].default;
    const file = `${src}${target.replace('./dist/', '').replace(/\.js$/, '.ts')}`;
    const result = await build({
      entryPoints: [`${src}index.ts`],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      packages: 'external',
      logLevel: 'silent',
      plugins: [
        {
          name: 'cells-peer',
          setup(b) {
            b.onResolve({ filter: /^#cells-peer$/ }, () => ({ path: file }));
          },
        },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.outputFiles[0]?.text).not.toMatch(/cells-peer/);
  });
});
