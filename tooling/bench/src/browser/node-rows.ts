import { getBackend, setBackend } from '@rnnkit/core';
import type { BenchRow } from '../harness.js';
import { workloads } from '../workloads/index.js';

// The same workloads on a Node backend in the driver's process (after the browser has closed,
// so the two do not compete for the CPU): the "within 2× of Node onnx" reference. Their rows are
// labelled `node <backend>`.

const PACKAGES: Record<string, string> = {
  js: '@rnnkit/backend-js',
  onnx: '@rnnkit/backend-onnx',
  'tfjs-wasm': '@rnnkit/backend-tfjs',
  'tfjs-cpu': '@rnnkit/backend-tfjs',
};

export async function runNodeRows(
  backend: string,
  names: readonly string[],
  ctx: { quick: boolean; stepsPerCall?: number; corpus: () => string },
): Promise<BenchRow[]> {
  const pkg = PACKAGES[backend];
  if (!pkg)
    throw new Error(
      `--node ${backend}: not a Node backend this bench loads; use one of ${Object.keys(PACKAGES).join(', ')}`,
    );
  await import(pkg);
  await setBackend(backend);
  const threads = getBackend().threads?.() ?? 1;
  const rows: BenchRow[] = [];
  for (const w of workloads.filter((x) => names.includes(x.name)))
    for (const r of await w.run({ backend, ...ctx }))
      rows.push({ ...r, backend: `node ${backend}`, threads });
  return rows;
}
