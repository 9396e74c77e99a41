import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// Every package that needs no file system or terminal bundles for the browser: esbuild with
// platform 'browser' resolves each package's browser entry (every export condition but "node")
// and fails on any Node built-in a module it reads imports. Nothing is marked external.

const ENTRY = `
import '@rnnkit/backend-js';
import '@rnnkit/backend-tfjs';
import '@rnnkit/backend-onnx/web';
export * as core from '@rnnkit/core';
export * as cells from '@rnnkit/cells';
export * as data from '@rnnkit/data';
export * as train from '@rnnkit/train';
export * as onnx from '@rnnkit/onnx';
`;

describe('the browser entries', () => {
  it('bundle with esbuild for the browser, with no Node built-in imported', async () => {
    const result = await build({
      stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('..', import.meta.url)) },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const external = Object.values(result.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external)
      .map((i) => i.path);
    expect(external).toEqual([]);
    expect(inputs.filter((p) => p.startsWith('node:'))).toEqual([]);
    // the browser entries, not the Node ones, were read
    expect(inputs.some((p) => p.endsWith('backend-tfjs/dist/browser.js'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('backend-onnx/dist/web.js'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('train/dist/portable.js'))).toBe(true);
    expect(inputs.some((p) => p.endsWith('data/dist/portable.js'))).toBe(true);
  });
});
