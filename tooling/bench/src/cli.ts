#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { getBackend, listBackends, setBackend } from '@rnnkit/core';
import '@rnnkit/backend-js';
import { parseCli } from './cli-options.js';
import { coreRoundTripNs } from './core-latency.js';
import { loadShakespeare } from './corpus-file.js';
import { type BenchRow, formatTable, type TfModule } from './harness.js';
import { contention, machine } from './machine.js';
import {
  isLayersBackend,
  LAYERS_BACKENDS,
  layersAvailable,
  useLayersBackend,
} from './tfjs-layers.js';
import { workloads } from './workloads/index.js';
import { layersWorkloads } from './workloads/layers/index.js';

/**
 * Backend packages beyond the JS backend, imported when present so that their backends register
 * (a package missing from this one's dependencies is skipped; `setBackend` then says what to
 * install). Adding a package to package.json is all it takes to benchmark its backends.
 */
const OPTIONAL_BACKENDS = ['@rnnkit/backend-tfjs', '@rnnkit/backend-onnx'];
for (const pkg of OPTIONAL_BACKENDS) {
  try {
    await import(pkg);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND') console.warn(`could not load ${pkg}: ${String(e)}`);
  }
}

/** TensorFlow.js's layers API on its wasm and cpu backends, run as peers of rnnkit's backends. */
const layersNames = layersAvailable() ? Object.keys(LAYERS_BACKENDS) : [];

/** What --list and --help print: the workloads and the backends that can run them here. */
function printList(): void {
  for (const w of workloads) console.log(`${w.name.padEnd(20)} ${w.description}`);
  console.log(`\nbackends available: ${listBackends().join(', ')}`);
  if (layersNames.length) {
    console.log(
      `\ntfjs-layers peers (the same models in TensorFlow.js's layers API), run on ${layersNames.join(', ')}:`,
    );
    for (const w of layersWorkloads.values()) console.log(`${w.name.padEnd(20)} ${w.description}`);
  }
  console.log(
    `\n--backend all runs every backend${layersNames.length ? ' and then the tfjs-layers peers' : ''}; --backend tfjs-layers runs the peers alone`,
  );
}

const { values, positionals } = parseCli(
  'rnnkit-bench',
  printList,
  {
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: ['js'], multiple: true },
      workload: { type: 'string', short: 'w', multiple: true, default: [] },
      out: { type: 'string', default: 'bench-results' },
      quick: { type: 'boolean', default: false },
      'steps-per-call': { type: 'string' },
      list: { type: 'boolean', default: false },
    },
  },
  'the workloads and backends; the options are in tooling/bench/README.md',
);

if (values.list) {
  printList();
  process.exit(0);
}
/** Backends named on the command line, as opposed to those `all` and `tfjs-layers` stand for. */
const named = new Set(
  (values.backend as string[]).filter((b) => b !== 'all' && b !== 'tfjs-layers'),
);
const backendNames = [
  ...new Set(
    (values.backend as string[]).flatMap((b) =>
      b === 'all'
        ? [...listBackends(), ...layersNames]
        : b === 'tfjs-layers'
          ? Object.keys(LAYERS_BACKENDS)
          : [b],
    ),
  ),
];

// Workloads by --workload (repeatable) or as positional names; all of them when none is given.
const names = [...(values.workload as string[]), ...positionals];
const unknown = names.filter((p) => !workloads.some((w) => w.name === p));
if (unknown.length) {
  console.error(
    `unknown workload(s): ${unknown.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}`,
  );
  process.exit(2);
}
const chosen = names.length ? workloads.filter((w) => names.includes(w.name)) : workloads;
const quick = values.quick as boolean;
// left out: the Trainer sizes its calls (automatic steps per call)
const stepsPerCall =
  values['steps-per-call'] === undefined ? undefined : Number(values['steps-per-call']);
if (stepsPerCall !== undefined && !(Number.isInteger(stepsPerCall) && stepsPerCall >= 1)) {
  console.error(
    `--steps-per-call must be a whole number, 1 or more; got ${values['steps-per-call']}`,
  );
  process.exit(2);
}

const rows: BenchRow[] = [];
/** Each row's workload (its position in `chosen`), to print the summary grouped by workload. */
const rowWorkload = new Map<BenchRow, number>();
const failures: { workload: string; backend: string; error: string }[] = [];
const backends: { name: string; threads: number }[] = [];
const info = machine();
// How far apart the cores are, before the workloads and after: 2-thread figures follow it (see
// coreRoundTripNs); undefined on one core.
const roundTrips = [await coreRoundTripNs()];
const apart = (ns: number | undefined) => (ns === undefined ? '' : `${Math.round(ns)} ns`);
// The 1-minute load average before every workload and at the end (see contention()).
const loads: number[] = [loadavg()[0]];
const early = contention([], loads[0]);
if (early) console.warn(early);
const started = performance.now();
for (const backend of backendNames) {
  const layers = isLayersBackend(backend);
  let threads: number;
  let tf: TfModule | undefined;
  try {
    if (layers) ({ tf, threads } = await useLayersBackend(backend));
    else {
      await setBackend(backend);
      threads = getBackend().threads?.() ?? 1;
    }
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    // `--backend all` means every backend this machine can start: one that cannot start here
    // (tfjs-webgl without a WebGL context) is skipped with its reason. A backend named on the
    // command line that cannot start is a failure.
    if (!named.has(backend)) {
      console.log(`backend ${backend}: skipped, it cannot start here: ${error}`);
      continue;
    }
    failures.push({ workload: '*', backend, error });
    console.error(`backend ${backend}: ${error}`);
    continue;
  }
  backends.push({ name: backend, threads });
  console.log(
    `\nbackend ${backend}${layers ? ` (TensorFlow.js layers API on tfjs-${LAYERS_BACKENDS[backend]})` : ''} (${threads} thread${threads === 1 ? '' : 's'}) on ${info.cpu}, ${info.cores} cores${roundTrips[0] === undefined ? '' : ` (${apart(roundTrips[0])} apart)`}, Node ${info.node}${quick ? ', quick run' : ''}`,
  );
  if (layers) {
    const without = chosen.filter((w) => !layersWorkloads.has(w.name)).map((w) => w.name);
    if (without.length) console.log(`(no tfjs-layers peer, skipped: ${without.join(', ')})`);
  }
  for (const [index, rnnkitWorkload] of chosen.entries()) {
    const w = layers ? layersWorkloads.get(rnnkitWorkload.name) : rnnkitWorkload;
    if (!w) continue;
    loads.push(loadavg()[0]);
    const t0 = performance.now();
    try {
      const got = await w.run({ backend, quick, stepsPerCall, corpus: loadShakespeare, tf });
      for (const r of got) {
        r.threads = threads;
        rowWorkload.set(r, index);
      }
      rows.push(...got);
      console.log(
        `\n${w.name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n${got.length ? formatTable(got) : '(no rows)'}`,
      );
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      failures.push({ workload: w.name, backend, error });
      console.error(`\n${w.name} on ${backend} failed: ${error}`);
    }
  }
}
const seconds = (performance.now() - started) / 1000;
// The summary and the JSON list rows by workload (stable: backends in the order they ran), so
// that every backend's figure for a workload, rnnkit's and tfjs-layers', stand together.
rows.sort((a, b) => (rowWorkload.get(a) ?? 0) - (rowWorkload.get(b) ?? 0));
loads.push(loadavg()[0]);
roundTrips.push(await coreRoundTripNs());
const maxLoad = Math.max(...loads);
const warning = contention(rows, maxLoad);

mkdirSync(values.out as string, { recursive: true });
const file = join(
  values.out as string,
  `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        ...info,
        ...(roundTrips[0] === undefined
          ? {}
          : { coreRoundTripNs: roundTrips.map((ns) => Math.round(ns ?? Number.NaN)) }),
      },
      backends,
      quick,
      seconds,
      loadAvg1Max: +maxLoad.toFixed(2),
      ...(warning ? { warning } : {}),
      rows,
      ...(failures.length ? { failures } : {}),
    },
    null,
    2,
  ),
);
const trips =
  roundTrips[0] === undefined
    ? ''
    : `; cores ${roundTrips.map(apart).join(' apart at the start, ')} at the end`;
console.log(`\n${formatTable(rows)}\n\n${seconds.toFixed(1)} s in all${trips}; wrote ${file}`);
if (warning) console.warn(warning);
if (failures.length) {
  console.error(
    `failed: ${failures.map((f) => (f.workload === '*' ? `backend ${f.backend}` : `${f.workload} on ${f.backend}`)).join(', ')}`,
  );
  process.exitCode = 1;
}
