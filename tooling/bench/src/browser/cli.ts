#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseCli } from '../cli-options.js';
import { loadShakespeare } from '../corpus-file.js';
import { type BenchRow, formatTable } from '../harness.js';
import { contention, machine } from '../machine.js';
import { runBrowserBench } from './driver.js';
import { runNodeRows } from './node-rows.js';
import type { BenchEvent } from './protocol.js';
import { ratioRows } from './ratios.js';

// rnnkit-bench-browser: the bench's sine-rnn, char-lstm and generate workloads in headless
// Chromium on every browser backend and the TensorFlow.js layers peers, printed as the Node
// bench prints, then the ratios; `--node onnx` adds the same workloads on Node's onnx backend.

const USAGE = `
node tooling/bench/dist/browser/cli.js [options] [workload...]: the bench's workloads in headless
Chromium on each browser backend and the TensorFlow.js layers peers, printed as the Node bench
prints, then the ratios (tooling/bench/README.md, "Browser")

  --backend NAME         a backend the page offers (repeatable; default: all of them): js, tfjs-wasm,
                         tfjs-webgl, onnx-wasm, onnx-wasm-1t, onnx-webgpu, tfjs-layers-wasm,
                         tfjs-layers-webgl
  -w, --workload NAME    sine-rnn, char-lstm or generate (repeatable; default: the three)
  --node NAME            also run the workloads on this Node backend, after the browser closes
  --quick                fewer steps: checks that everything runs
  --steps-per-call N     the Trainer's stepsPerCall (default: it sizes the calls)
  --timeout S            seconds one backend may take (default 1200)
  --out DIR              where the JSON goes (default bench-results)
`;

const { values, positionals } = parseCli('rnnkit-bench-browser', USAGE, {
  allowPositionals: true,
  options: {
    backend: { type: 'string', multiple: true, default: [] },
    workload: { type: 'string', short: 'w', multiple: true, default: [] },
    node: { type: 'string', multiple: true, default: [] },
    quick: { type: 'boolean', default: false },
    'steps-per-call': { type: 'string' },
    timeout: { type: 'string', default: '1200' },
    out: { type: 'string', default: 'bench-results' },
  },
});

function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 1)) {
    console.error(`--${flag} must be a whole number, 1 or more; got ${raw}`);
    process.exit(2);
  }
  return n;
}

const quick = values.quick as boolean;
const stepsPerCall = positiveInt('steps-per-call', values['steps-per-call']);
const timeoutS = positiveInt('timeout', values.timeout) as number;
const info = machine();
const loads = [loadavg()[0]];
const started = performance.now();

function onEvent(e: BenchEvent): void {
  loads.push(loadavg()[0]);
  if (e.type === 'start')
    console.log(
      `\nbackend ${e.backend} (${e.detail}, ${e.threads === undefined ? 'GPU' : `${e.threads} thread${e.threads === 1 ? '' : 's'}`}) in headless Chromium on ${info.cpu}, ${info.cores} cores${quick ? ', quick run' : ''}`,
    );
  else if (e.type === 'rows')
    console.log(`\n${e.workload} (${e.seconds.toFixed(1)} s)\n${formatTable(e.rows)}`);
  else if (e.type === 'failure')
    console.error(
      `\n${e.workload === '*' ? 'backend' : e.workload} on ${e.backend} failed: ${e.error}`,
    );
}

const corpus = loadShakespeare();
const result = await runBrowserBench({
  backends: values.backend as string[],
  workloads: [...(values.workload as string[]), ...positionals],
  quick,
  stepsPerCall,
  corpus,
  timeoutS,
  onEvent,
});
const rows: BenchRow[] = [...result.rows];
const failures = [...result.failures];
for (const backend of values.node as string[]) {
  loads.push(loadavg()[0]);
  console.log(`\nNode backend ${backend} (same workloads, in this process, after the browser)`);
  try {
    const got = await runNodeRows(backend, [...new Set(result.rows.map((r) => r.workload))], {
      quick,
      stepsPerCall,
      corpus: () => corpus,
    });
    console.log(formatTable(got));
    rows.push(...got);
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    failures.push({ workload: '*', backend: `node ${backend}`, error });
    console.error(`node ${backend} failed: ${error}`);
  }
}
// the Node rows beside the browser's, by workload (stable: the Node rows after them)
const workloadOrder = [...new Set(rows.map((r) => r.workload))];
rows.sort((a, b) => workloadOrder.indexOf(a.workload) - workloadOrder.indexOf(b.workload));
loads.push(loadavg()[0]);
const seconds = (performance.now() - started) / 1000;
const ratios = ratioRows(rows, new Set(result.offered.filter((b) => b.peer).map((b) => b.name)));
const maxLoad = Math.max(...loads);
const warning = contention([], maxLoad);

mkdirSync(values.out as string, { recursive: true });
const file = join(
  values.out as string,
  `bench-browser-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
const { pageErrors, offered, backends, chromium, userAgent } = result;
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: info,
      browser: {
        chromium,
        userAgent,
        hardwareConcurrency: result.hardwareConcurrency,
        crossOriginIsolated: result.crossOriginIsolated,
      },
      offered,
      backends,
      quick,
      seconds,
      loadAvg1Max: +maxLoad.toFixed(2),
      ...(warning ? { warning } : {}),
      rows,
      ratios,
      ...(failures.length ? { failures } : {}),
      ...(pageErrors.length ? { pageErrors } : {}),
    },
    null,
    2,
  ),
);
console.log(
  `\nChromium ${chromium}, cross-origin isolated: ${result.crossOriginIsolated}, hardwareConcurrency ${result.hardwareConcurrency}; load average (1 min) ${loads[0].toFixed(2)} at the start, up to ${maxLoad.toFixed(2)}`,
);
console.log(`\n${formatTable(rows)}`);
if (ratios.length) console.log(`\nratios (above 1: faster)\n${formatTable(ratios)}`);
console.log(`\n${seconds.toFixed(1)} s in all; wrote ${file}`);
if (warning) console.warn(warning);
for (const e of pageErrors) console.error(`page error: ${e}`);
if (failures.length) {
  console.error(
    `failed: ${failures.map((f) => (f.workload === '*' ? `backend ${f.backend}` : `${f.workload} on ${f.backend}`)).join(', ')}`,
  );
  process.exitCode = 1;
}
