import '@rnnkit/backend-js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAndServe, launchChromium } from '@rnnkit/chromium';
import { setBackend } from '@rnnkit/core';
import { fromString } from '@rnnkit/data';
import { inspectOnnx } from '@rnnkit/onnx';
import { decodeCheckpoint, encodeCheckpoint, modelTensors } from '@rnnkit/train';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../src/backends.js';
import { CHAR_DEFAULTS, type CharSettings, trainChars } from '../src/training/char-run.js';
import { SINE_DEFAULTS, trainSine } from '../src/training/sine-run.js';
import type { PageState } from '../src/ui/status.js';
import { buildIsFresh } from './fresh-build.js';

// The playground in real headless Chromium: built, served with `vite preview`, driven by
// playwright-core. On every backend the page offers it trains 20 steps and must give Node's
// losses for the same seed and settings, samples, and hands a checkpoint to Node; a checkpoint
// made by apps/char-text loads in the page; a click is answered quickly while training runs;
// any console error fails the test. Screenshots go to e2e-output/.

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const OUT = here('../e2e-output/');
const EXCERPT = here('../src/corpus/tinyshakespeare-excerpt.txt');
const CHAR_TEXT_CLI = here('../../char-text/dist/cli.js');
const SMALL = {
  hidden: 32,
  layers: 1,
  embedding: 16,
  batch: 8,
  seq: 16,
  lr: 0.003,
  steps: 20,
  seed: 0,
};
const settings: CharSettings = { ...CHAR_DEFAULTS, ...SMALL };

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let nodeLosses: number[];
let nodeWeights: Record<string, { data: Float32Array }>;
let tmp: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'rnnkit-playground-'));
  // the build and `vite preview` take vite.config.ts (its COOP/COEP headers included)
  [server, browser] = await Promise.all([
    buildAndServe({ root: here('..') }, { rebuild: !buildIsFresh(here('..')) }),
    launchChromium(),
  ]);
  // The reference: the same training code and settings in this Node process, on the JS backend.
  await setBackend('js');
  const text = readFileSync(EXCERPT, 'utf8');
  nodeLosses = [];
  const { trained } = await trainChars(fromString(text, 'tinyshakespeare-excerpt.txt'), settings, {
    onStep: (s) => nodeLosses.push(s.loss),
  });
  nodeWeights = await modelTensors(trained.model);
  // A run of apps/char-text, whose checkpoint every backend's page must load.
  execFileSync(
    'node',
    [
      CHAR_TEXT_CLI,
      'train',
      '--text',
      EXCERPT,
      '--steps',
      '3',
      '--hidden',
      '16',
      '--batch',
      '4',
      '--seq',
      '16',
      '--sample-length',
      '0',
      '--progress',
      'none',
      '--no-plot',
      '--out',
      join(tmp, 'cli-run'),
    ],
    { encoding: 'utf8' },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function openPage(hash: string): Promise<Page> {
  const page = await browser.newPage({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${server.url}${hash}`);
  return page;
}

const state = (page: Page, id: string) =>
  page.evaluate((id) => window.rnnkitPlayground[id], id) as Promise<PageState>;

/** Waits until the page reaches `want` (or shows an error, which fails with its message). */
async function settle(page: Page, id: string, want: PageState['state']): Promise<PageState> {
  await page.waitForFunction(
    ([id, want]) => [want, 'error'].includes(window.rnnkitPlayground[id]?.state),
    [id, want] as const,
    // the sine page on onnx-webgpu (30 eager GRU steps, each kernel a session run on SwiftShader)
    // took most of two minutes on a loaded 2-core machine; the test's own limit is 300 s
    { timeout: 240_000 },
  );
  const s = await state(page, id);
  if (s.state === 'error') throw new Error(`the page reports: ${s.lastError}`);
  return s;
}

/** Sets the page's reported state back to 'idle', so that the next settle waits for a new one. */
async function forget(page: Page, id: string): Promise<void> {
  await page.evaluate((id) => {
    window.rnnkitPlayground[id].state = 'idle';
  }, id);
}

async function fillChar(page: Page, backend: string, s: Partial<typeof SMALL>): Promise<void> {
  for (const [k, v] of Object.entries(s)) await page.fill(`#char-${k}`, String(v));
  await page.selectOption('#char-backend', backend);
}

/** Clicks `selector` and saves the file the page offers. */
async function downloadFrom(page: Page, selector: string, file: string): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const path = join(tmp, file);
  await download.saveAs(path);
  return new Uint8Array(readFileSync(path));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/**
 * An ONNX Runtime Web backend's threads: min(hardwareConcurrency, 4), said in the status line with
 * the notice, and real: onnxruntime-web's build started its thread workers from its own chunk
 * (nested in the backend's worker, itself in the training worker). onnx-wasm loads the package's
 * `/wasm` build (ort-wasm-simd-threaded.wasm), onnx-webgpu its default one, with WebGPU (.jsep).
 */
const ORT_BUILD = {
  'onnx-wasm': {
    wasm: /ort-wasm-simd-threaded-[\w-]+\.wasm$/,
    chunk: /ort\.wasm\.bundle\.min-[\w-]+\.js$/,
  },
  'onnx-webgpu': {
    wasm: /ort-wasm-simd-threaded\.jsep-[\w-]+\.wasm$/,
    chunk: /ort\.bundle\.min-[\w-]+\.js$/,
  },
};

async function expectOrtThreads(
  page: Page,
  s: PageState,
  fetched: string[],
  workers: string[],
): Promise<void> {
  const build = ORT_BUILD[s.backend as keyof typeof ORT_BUILD];
  expect(fetched.some((u) => build.wasm.test(u))).toBe(true);
  expect(workers.some((u) => /ort-web-worker-[\w-]+\.js$/.test(u))).toBe(true);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  const threads = String(Math.min(cores, 4));
  if (cores > 1) expect(workers.some((u) => build.chunk.test(u))).toBe(true);
  expect(s.threads).toBe(s.backend === 'onnx-webgpu' ? `GPU + ${threads} wasm` : threads);
  expect(s.notice).toContain(
    `computes with ${threads} WebAssembly thread${threads === '1' ? '' : 's'} (the page is cross-origin isolated)`,
  );
  expect(await page.textContent('#char-status')).toContain(s.notice);
}

describe('the char-text page on every offered backend', () => {
  it('offers every backend headless Chromium has', () => {
    expect(BACKENDS.map((b) => b.name)).toEqual([
      'js',
      'tfjs-wasm',
      'tfjs-webgl',
      'onnx-wasm',
      'onnx-webgpu',
    ]);
  });

  for (const backend of BACKENDS.map((b) => b.name)) {
    it(`${backend}: trains like Node, samples, saves a checkpoint Node reads, loads one char-text wrote`, async () => {
      const page = await openPage('#char');
      const fetched: string[] = [];
      page.on('request', (r) => fetched.push(r.url()));
      const workers: string[] = [];
      page.on('worker', (w) => workers.push(w.url()));
      await fillChar(page, backend, SMALL);
      await page.click('#char-train');
      const s = await settle(page, 'char', 'done');
      expect(s.backend).toBe(backend);
      expect(s.threads).toBeTruthy();
      // The page is cross-origin isolated, so tfjs-wasm fetched (and runs) its threaded build.
      if (backend === 'tfjs-wasm')
        expect(fetched.some((u) => /tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/.test(u))).toBe(
          true,
        );
      // ONNX Runtime Web fetched its .wasm from the build, and computes with more than one thread
      // (the page is cross-origin isolated), as its status line says.
      if (backend.startsWith('onnx-')) await expectOrtThreads(page, s, fetched, workers);
      expect(await page.textContent('#char-status')).toMatch(
        /threads: [^·]+ · speed: [\d,]+ chars\/s/,
      );
      expect(s.losses).toHaveLength(20);
      const lossDifference = maxDifference(s.losses, nodeLosses);
      console.log(`${backend}: largest difference from Node's 20 losses ${lossDifference}`);
      expect(lossDifference).toBeLessThan(1e-4);

      await page.fill('#char-length', '80');
      await page.click('#char-sample');
      await settle(page, 'char', 'done');
      const sample = await page.textContent('#char-sample-out');
      expect([...(sample ?? '')].length).toBe('ROMEO:'.length + 80);
      await page.screenshot({ path: join(OUT, `char-${backend}.png`), fullPage: true });

      // The page's checkpoint holds the weights Node trained, to the same tolerance.
      const bytes = await downloadFrom(page, '#char-save', `page-${backend}.safetensors`);
      const ckpt = decodeCheckpoint(bytes, `the page's ${backend} checkpoint`);
      for (const [name, t] of Object.entries(nodeWeights))
        expect(maxDifference(ckpt.model[name].data, t.data), name).toBeLessThan(1e-3);
      // It exports as ONNX from the backend it trained on (export reads the weights with await, as
      // a backend without synchronous reads allows).
      const onnx = await downloadFrom(page, '#char-export', `page-${backend}.onnx`);
      expect(inspectOnnx(onnx).recurrent.map((r) => r.op)).toContain('LSTM');

      // And the reverse: a checkpoint apps/char-text trained loads and samples on this backend.
      await page.setInputFiles('#char-load', join(tmp, 'cli-run', 'last.safetensors'));
      await page.waitForFunction(() =>
        document.getElementById('char-loaded')?.textContent?.includes('trained 3 steps'),
      );
      await settle(page, 'char', 'done');
      expect((await state(page, 'char')).backend).toBe(backend);
      await page.fill('#char-length', '40');
      await page.click('#char-sample');
      await settle(page, 'char', 'done');
      const fromCli = await page.textContent('#char-sample-out');
      expect([...(fromCli ?? '')].length).toBe('ROMEO:'.length + 40);
      await page.close();
    });
  }
});

// onnx-webgpu included: the sine page trains eagerly, kernel by kernel, and its GRU stacks 24
// time steps, a Concat of 24 inputs, which backend-onnx writes as Concats of at most 7 there
// (WebGPU binds 8 storage buffers per stage; the console check below catches the validation
// errors a larger one raises).
describe('the sine page on every offered backend', () => {
  for (const backend of BACKENDS.map((b) => b.name)) {
    it(`${backend}: a GRU trains 30 steps like Node`, async () => {
      await setBackend('js');
      const node = await trainSine({ ...SINE_DEFAULTS, steps: 30 });
      const page = await openPage('#sine');
      await page.fill('#sine-steps', '30');
      await page.selectOption('#sine-cell', 'gru');
      await page.selectOption('#sine-backend', backend);
      await page.click('#sine-train');
      const s = await settle(page, 'sine', 'done');
      expect(s.backend).toBe(backend);
      const difference = maxDifference(s.losses, node);
      console.log(`sine ${backend}: largest difference from Node's 30 losses ${difference}`);
      expect(difference).toBeLessThan(1e-4);
      await page.close();
    });
  }
});

describe('a page checkpoint in apps/char-text, and ONNX export', () => {
  it("the bytes API gives back char-text's checkpoint file byte for byte", () => {
    const file = new Uint8Array(readFileSync(join(tmp, 'cli-run', 'last.safetensors')));
    expect(encodeCheckpoint(decodeCheckpoint(file))).toEqual(file);
  });

  it('char-text samples from a checkpoint the page saved', async () => {
    const page = await openPage('#char');
    await fillChar(page, 'js', SMALL);
    await page.click('#char-train');
    await settle(page, 'char', 'done');
    await downloadFrom(page, '#char-save', 'page-model.safetensors');
    const out = execFileSync(
      'node',
      [
        CHAR_TEXT_CLI,
        'sample',
        join(tmp, 'page-model.safetensors'),
        '--length',
        '40',
        '--prime',
        'ROMEO:',
      ],
      { encoding: 'utf8' },
    );
    expect(out).toContain('ROMEO:');

    const onnx = await downloadFrom(page, '#char-export', 'page-model.onnx');
    const report = inspectOnnx(onnx);
    expect(JSON.stringify(report)).toContain('LSTM');
    await page.close();
  });
});

describe('corpora of your own', () => {
  it('trains on a pasted text and on an uploaded file; a one-character text is refused in words', async () => {
    const page = await openPage('#char');
    await fillChar(page, 'js', { ...SMALL, steps: 5, batch: 2, seq: 8 });
    await page.selectOption('#char-corpus', 'paste');
    await page.fill('#char-paste', 'to be or not to be, that is the question. '.repeat(20));
    await page.click('#char-train');
    expect((await settle(page, 'char', 'done')).losses).toHaveLength(5);

    const file = join(tmp, 'my-text.txt');
    writeFileSync(
      file,
      'All the world’s a stage, and all the men and women merely players. '.repeat(20),
    );
    await page.selectOption('#char-corpus', 'upload');
    await page.setInputFiles('#char-upload', file);
    // the page says 'training' only once it has read the file: until then the state is the first
    // run's 'done', which settle would take for this run's
    await forget(page, 'char');
    await page.click('#char-train');
    expect((await settle(page, 'char', 'done')).losses).toHaveLength(5);

    await page.selectOption('#char-corpus', 'paste');
    await page.fill('#char-paste', 'x');
    await page.click('#char-train');
    await page.waitForFunction(() => window.rnnkitPlayground.char.state === 'error');
    expect((await state(page, 'char')).lastError).toContain('has only one character');
    await page.close();
  });
});

describe('responsiveness', () => {
  it('a click is answered within 200 ms while training runs, and Stop ends the training', async () => {
    const page = await openPage('#char');
    await fillChar(page, 'js', { ...SMALL, hidden: 128, steps: 5000 });
    await page.click('#char-train');
    await page.waitForFunction(() => window.rnnkitPlayground.char.losses.length >= 2);
    for (let i = 0; i < 5; i++) {
      await page.click('#char-ping');
      await page.waitForTimeout(100);
    }
    await page.waitForFunction(() => window.rnnkitPlayground.char.clickLatencies.length >= 5);
    const during = await state(page, 'char');
    expect(during.state).toBe('training');
    console.log(
      `click latencies while training: ${during.clickLatencies.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    expect(Math.max(...during.clickLatencies)).toBeLessThan(200);
    await page.screenshot({ path: join(OUT, 'char-training.png'), fullPage: true });
    await page.click('#char-stop');
    const after = await settle(page, 'char', 'done');
    expect(after.losses.length).toBeLessThan(5000);
    await page.close();
  });
});

describe('the sine page', () => {
  it('trains and draws the forecast against the true curve', async () => {
    const page = await openPage('#sine');
    await page.fill('#sine-steps', '200');
    await page.selectOption('#sine-backend', 'js');
    await page.click('#sine-train');
    const s = await settle(page, 'sine', 'done');
    expect(s.losses).toHaveLength(200);
    expect(s.losses[199]).toBeLessThan(s.losses[0]);
    await page.waitForFunction(() =>
      document.getElementById('sine-forecast-step')?.textContent?.includes('after step 200'),
    );
    // The forecast of the next period follows sin(t): far below the 0.5 of a flat zero line.
    const mse = (await state(page, 'sine')).forecastMse;
    console.log(`sine forecast MSE after 200 steps: ${mse}`);
    expect(mse).toBeLessThan(0.1);
    await page.screenshot({ path: join(OUT, 'sine.png'), fullPage: true });
    await page.close();
  });
});

describe('the console', () => {
  it('showed no error on any page', () => {
    expect(consoleErrors).toEqual([]);
  });
});
