import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Each case runs in a child process with a time limit: a read that waits for a dead worker
// blocks its thread in Atomics.wait, where no test timeout can end it.
const pkg = fileURLToPath(new URL('../../..', import.meta.url));
const core = new URL('../../../node_modules/@rnnkit/core/dist/index.js', import.meta.url).href;
const work = mkdtempSync(join(pkg, '.worker-stopped-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * A copy of the built package whose worker fails at its first read with `fault` (the copy sits
 * in the package folder, so it finds the same node_modules).
 */
function faultyBuild(name: string, fault: string): string {
  const dir = join(work, name);
  cpSync(join(pkg, 'dist'), dir, { recursive: true });
  const file = join(dir, 'runtime/node/ort-worker.mjs');
  const src = readFileSync(file, 'utf8');
  const at = 'function read({ id, rid }) {';
  expect(src).toContain(at);
  writeFileSync(file, src.replace(at, `${at}\n  ${fault};`));
  return new URL(`file://${dir}/index.js`).href;
}

/**
 * Runs a compiled graph of chained 512² products (long enough that the worker is still running
 * it when it is ended) with graphs in the worker, ends the worker as `how` says while a read
 * waits, synchronously (item) or not (await data), and prints what each read did.
 */
function script(backend: string, read: 'sync' | 'async', kill: boolean): string {
  return `
import { compile, matmul, registerBackend, sum, tanh, tensor, useBackend } from '${core}';
import { createOnnxBackend } from '${backend}';
registerBackend('onnx-worker', () => createOnnxBackend('onnx', { threads: 1, worker: true }));
const be = useBackend('onnx-worker');
const n = 512;
const x = tensor(Float32Array.from({ length: n * n }, (_, i) => ((i % 7) - 3) / 100), [n, n]);
const heavy = compile(() => {
  let y = x;
  for (let i = 0; i < 24; i++) y = tanh(matmul(y, x));
  return sum(y);
});
const report = {};
const said = (e) => \`\${e.name}: \${e.message}\`;
const value = heavy(); // posted to the worker; the call returns at once
${kill ? "be.graphs.remote.terminateWorker('ended on purpose by the test');" : ''}
if (${read === 'sync'}) {
  try {
    report.read = String(value.item());
  } catch (e) {
    report.read = said(e);
  }
} else {
  report.read = await value.data().then((v) => String(v[0]), said);
}
try {
  report.later = String(heavy().item());
} catch (e) {
  report.later = said(e);
}
report.failure = be.failure ? said(be.failure) : null;
console.log(JSON.stringify(report));
`;
}

function run(name: string, source: string) {
  const file = join(work, `${name}.mjs`);
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
  // killed by the time limit (a hang) leaves status null
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({
    status: 0,
    signal: null,
    stderr: '',
  });
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, string | null>;
}

const stopped = /^OnnxWorkerStoppedError: onnx backend: the ONNX Runtime worker thread stopped/;
const onnx = new URL('../../../dist/index.js', import.meta.url).href;

describe('a dead ONNX Runtime worker fails reads instead of hanging', () => {
  it('terminated while a synchronous read (item) waits for its graph', () => {
    const r = run('terminate-sync', script(onnx, 'sync', true));
    for (const said of [r.read, r.later, r.failure]) {
      expect(said).toMatch(stopped);
      // the exit code of a terminated thread is 1, or 0 when it was between messages
      expect(said).toMatch(/\(exit code [01]; terminated: ended on purpose by the test\)/);
    }
    expect(r.read).toMatch(/restore the model from a checkpoint/);
  });

  it('terminated while an asynchronous read (await data) waits: it rejects, the process goes on', () => {
    // before, the promise never settled and the process ended with exit code 13, saying nothing
    const r = run('terminate-async', script(onnx, 'async', true));
    for (const said of [r.read, r.later, r.failure]) {
      expect(said).toMatch(stopped);
      expect(said).toMatch(/terminated: ended on purpose by the test/);
    }
  });

  it('the worker exits by itself (process.exit(13)) while a synchronous read waits', () => {
    const build = faultyBuild('exits', 'process.exit(13)');
    const r = run('exit-sync', script(build, 'sync', false));
    for (const said of [r.read, r.later, r.failure]) {
      expect(said).toMatch(stopped);
      expect(said).toMatch(/\(exit code 13\)/);
    }
  });

  it('the worker throws outside a graph run while an asynchronous read waits', () => {
    const build = faultyBuild('throws', "throw new Error('worker fault injected by the test')");
    const r = run('throw-async', script(build, 'async', false));
    for (const said of [r.read, r.later, r.failure]) {
      expect(said).toMatch(stopped);
      expect(said).toMatch(/\(exit code 1; error: worker fault injected by the test\)/);
    }
  });

  it('a worker left alone answers as before', () => {
    const r = run('alive', script(onnx, 'sync', false));
    expect(Number.isFinite(Number(r.read))).toBe(true);
    expect(r.later).toBe(r.read);
    expect(r.failure).toBeNull();
  });
});
