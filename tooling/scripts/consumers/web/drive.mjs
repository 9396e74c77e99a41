// Type-checks the worker, builds the page with Vite, serves dist cross-origin isolated and opens it in headless Chromium
// (the system's, through playwright-core); fails on a Node built-in in the bundle, any console
// error, failed request, 404 or page error, a backend that did not train, and on losses that
// differ from js's.
// Run from the project folder: node drive.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { build, createLogger } from 'vite';

// The worker's types, as a TypeScript project for the browser sees them (tsconfig.json).
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], {
  encoding: 'utf8',
});
if (tsc.status !== 0) {
  console.error(`the web consumer's TypeScript does not type-check:\n${tsc.stdout}${tsc.stderr}`);
  process.exit(1);
}

const problems = [];
// A package whose Node entry reaches the bundle (an export condition that does not send bundlers
// to the portable entry) builds with only a warning per Node built-in, and may still run: the
// warning is the failure.
const logger = createLogger('warn');
const warn = logger.warn;
logger.warn = (msg, options) => {
  if (msg.includes('externalized for browser compatibility')) problems.push(`vite: ${msg}`);
  warn(msg, options);
};
const dist = join(process.cwd(), 'dist');
await build({ root: process.cwd(), logLevel: 'warn', customLogger: logger });

const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname));
  const file = join(dist, path === '/' ? 'index.html' : path);
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  } catch {
    // the page's requests and its workers' alike: a worker's fetch of a missing .wasm shows here
    problems.push(`HTTP 404 from the server: ${path}`);
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const executablePath =
  process.env.CHROMIUM_PATH ?? execFileSync('sh', ['-c', 'command -v chromium']).toString().trim();
// --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    else if (m.type() === 'info' || m.type() === 'warning')
      console.log(`page ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  const out = await page
    .waitForFunction(() => window.results, undefined, { timeout: 240_000 })
    .then((h) => h.jsonValue())
    .catch(async (e) => {
      problems.push(`the page gave no results: ${e.message.split('\n')[0]}`);
      problems.push(`the page said:\n${await page.textContent('#log')}`);
      return null;
    });
  if (out) {
    if (!out.crossOriginIsolated) problems.push('the page is not cross-origin isolated');
    // js is the reference: the other backends' losses must match its own to 1e-4
    const reference = out.results.find((r) => r.backend === 'js' && !r.error);
    for (const r of out.results) {
      if (r.error) {
        problems.push(`${r.backend}: ${r.error}`);
        continue;
      }
      if (r.steps !== 5) problems.push(`${r.backend}: trained ${r.steps} steps, not 5`);
      const far = r.losses.findIndex((l, i) => !(Math.abs(l - reference?.losses[i]) <= 1e-4));
      if (reference && far >= 0)
        problems.push(`${r.backend}: losses ${r.losses} differ from js's ${reference.losses}`);
      if (r.checkpointBytes < 1000 || r.checkpointTensors < 1 || r.onnxBytes < 1000)
        problems.push(`${r.backend}: checkpoint or ONNX export too small: ${JSON.stringify(r)}`);
      console.log(
        `web consumer, ${r.backend} in a Web Worker: ${r.steps} steps, loss ${r.losses[0].toFixed(4)} -> ${r.losses.at(-1).toFixed(4)}, checkpoint ${r.checkpointBytes} bytes, ONNX ${r.onnxBytes} bytes`,
      );
    }
  }
} finally {
  await browser.close();
  server.close();
}
if (problems.length) {
  console.error(`the web consumer failed:\n${problems.join('\n')}`);
  process.exit(1);
}
