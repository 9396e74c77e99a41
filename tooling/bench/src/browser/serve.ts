import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Served, buildAndServe as serveBuild } from '@rnnkit/chromium';

// Builds the browser bench's page (src/browser/page, bundled by Vite from the TypeScript sources,
// workloads included) into a temporary folder and serves it with `vite preview` on a free port,
// cross-origin isolated: COOP + COEP give the page SharedArrayBuffer, which WebAssembly threads
// (tfjs-wasm's threaded build, ONNX Runtime Web's) need.

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** src/browser/page of this package, from src/browser (tests) or dist/browser (the CLI). */
function pageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const page = join(dir, 'src', 'browser', 'page');
    if (existsSync(join(page, 'index.html'))) return page;
    const up = dirname(dir);
    if (up === dir) throw new Error('browser bench: cannot find src/browser/page/index.html');
    dir = up;
  }
}

export async function buildAndServe(): Promise<Served> {
  const outDir = mkdtempSync(join(tmpdir(), 'rnnkit-bench-browser-'));
  try {
    const served = await serveBuild({
      root: pageRoot(),
      configFile: false,
      worker: { format: 'es' },
      // Not minified: tfjs-wasm starts its threads from its factory's source text, which a
      // minifier can break (see apps/playground/vite.config.ts); a bench page gains nothing.
      build: {
        outDir,
        emptyOutDir: true,
        target: 'es2022',
        minify: false,
        chunkSizeWarningLimit: 1e6,
      },
      preview: { headers: ISOLATION },
    });
    return {
      url: served.url,
      close: async () => {
        await served.close();
        rmSync(outDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}
