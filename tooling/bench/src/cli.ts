#!/usr/bin/env node
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getBackend, setBackend } from '@rnnkit/core';
import '@rnnkit/backend-js';
import { type BenchRow, formatTable, machine } from './harness.js';
import { workloads } from './workloads/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: ['js'], multiple: true },
    out: { type: 'string', default: 'bench-results' },
    quick: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const w of workloads) console.log(`${w.name.padEnd(14)} ${w.description}`);
  process.exit(0);
}

const chosen = positionals.length
  ? workloads.filter((w) => positionals.includes(w.name))
  : workloads;
const unknown = positionals.filter((p) => !workloads.some((w) => w.name === p));
if (unknown.length) {
  console.error(
    `unknown workload(s): ${unknown.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}`,
  );
  process.exit(2);
}

const rows: BenchRow[] = [];
const info = machine();
for (const backend of values.backend as string[]) {
  await setBackend(backend);
  const threads = getBackend().threads?.() ?? 1;
  console.log(
    `backend ${backend} (${threads} thread${threads === 1 ? '' : 's'}) on ${info.cpu}, ${info.cores} cores, Node ${info.node}`,
  );
  for (const w of chosen) {
    const got = await w.run({ backend, quick: values.quick as boolean });
    for (const r of got) r.extra = { ...r.extra, threads };
    rows.push(...got);
    console.log(formatTable(got));
  }
}

mkdirSync(values.out as string, { recursive: true });
const file = join(
  values.out as string,
  `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(file, JSON.stringify({ machine: info, rows }, null, 2));
console.log(`\n${formatTable(rows)}\n\nwrote ${file}`);
