import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type Plugin } from 'vitest/config';
import { chromiumConfig } from '../../tooling/vitest-chromium.js';

// The browser runtime on a page that is NOT cross-origin isolated (no COOP/COEP headers, unlike
// vitest.browser.config.ts), whose server also serves onnxruntime-web's files from a second
// folder, /ort-elsewhere/, and keeps a log of the requests it answered: the tests read the log
// (the `servedRequests` command) to see where the WebAssembly was loaded from.

/** onnxruntime-web's dist folder (its main entry for Node sits in it). */
const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
/**
 * The request log. Vitest loads this file more than once (the server's plugins and the browser
 * commands come from different loads), so the log lives on globalThis, where both find it.
 */
const shared = globalThis as { ortElsewhereRequests?: string[] };
shared.ortElsewhereRequests ??= [];
const requests = shared.ortElsewhereRequests;
const TYPES: Record<string, string> = { wasm: 'application/wasm', mjs: 'text/javascript' };

const elsewhere: Plugin = {
  name: 'ort-elsewhere',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const url = req.url ?? '';
      requests.push(url);
      const m = /^\/(ort-elsewhere|no-such-folder)\/([\w.-]+\.(wasm|mjs))$/.exec(url.split('?')[0]);
      if (!m) return next();
      if (m[1] === 'no-such-folder') {
        res.statusCode = 404;
        return res.end();
      }
      res.setHeader('Content-Type', TYPES[m[3]]);
      res.end(readFileSync(join(ortDist, m[2])));
    });
  },
};

const base = chromiumConfig(playwright, ['src/**/*.unisolated.test.ts']);
const browser = base.test!.browser!;

export default defineConfig({
  // chromiumConfig's server block only sets the isolation headers: left out here
  plugins: [elsewhere],
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    ...base.test,
    browser: {
      ...browser,
      commands: {
        servedRequests: () => [...requests],
      },
    },
  },
});
