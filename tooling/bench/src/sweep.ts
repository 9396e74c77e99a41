#!/usr/bin/env node
/**
 * The scaling sweep: trains the char-lstm model over a grid of hidden size × sequence length ×
 * batch on each backend asked for and on PyTorch (when python3 has torch), every point in a
 * process of its own so that its peak resident set is its own, and prints one table of chars/s
 * and peak RSS side by side, then checks the growth rule over each runner's figures.
 *
 *   node tooling/bench/dist/sweep.js                          # the issue's grid on onnx, js, PyTorch
 *   node tooling/bench/dist/sweep.js --hidden 128,256 --seq 64 --batch 32 --budget 3
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseCli } from './cli-options.js';
import { machine } from './machine.js';
import { formatSeconds, StepTimes, skipReason } from './sweep/estimate.js';
import { gridPoints, gridSizes, pointName } from './sweep/grid.js';
import { growthReports, readSweepJson, sweepReport } from './sweep/report.js';
import { type PointSettings, pytorchMissing, spawnPoint } from './sweep/spawn-point.js';
import { type Cell, type Outcomes, sweepNotes } from './sweep/table.js';

const USAGE = `
node tooling/bench/dist/sweep.js [options]: trains the char-lstm model over a grid of hidden
size x sequence length x batch on rnnkit backends and PyTorch, one table of both
(tooling/bench/README.md, "Scaling sweep", has the details)

  --backend NAME         rnnkit backend (repeatable; default onnx and js)
  --hidden N[,N...]      hidden sizes (default 128,256,512,1024)
  --seq N[,N...]         sequence lengths (default 64,256,1024)
  --batch N[,N...]       batch sizes (default 1,32,128)
  --budget S             seconds of timed steps per point (default 5)
  --warmup N             warm-up steps per point (default 2)
  --min-steps N          timed steps at least (default 2)
  --steps-per-call N     the Trainer's stepsPerCall (default: it sizes the calls)
  --max-point-s S        skip a point whose warm-up and minimum steps would take longer (default 20)
  --point-timeout-s S    kill a point after this long (default 3 x --max-point-s, at least 60)
  --threads N            ONNX Runtime and PyTorch threads (default 1)
  --python CMD           the Python that runs PyTorch's points (default python3)
  --no-pytorch           rnnkit only
  --out DIR              where the JSON goes (default bench-results)
  --report FILE          print a finished run's tables again, from its JSON
`;

const { values } = parseCli('sweep', USAGE, {
  options: {
    backend: { type: 'string', multiple: true, default: [] },
    hidden: { type: 'string', multiple: true, default: [] },
    seq: { type: 'string', multiple: true, default: [] },
    batch: { type: 'string', multiple: true, default: [] },
    budget: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'min-steps': { type: 'string', default: '2' },
    'steps-per-call': { type: 'string' },
    'max-point-s': { type: 'string', default: '20' },
    'point-timeout-s': { type: 'string' },
    threads: { type: 'string', default: '1' },
    python: { type: 'string', default: 'python3' },
    'no-pytorch': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
    report: { type: 'string' },
  },
});

function fail(message: string): never {
  console.error(`sweep: ${message}`);
  process.exit(2);
}

/** A positive number option; `whole` for counts. */
function numberOption(name: keyof typeof values, whole: boolean, min: number): number {
  const text = values[name] as string;
  const n = Number(text);
  if (!(Number.isFinite(n) && n >= min && (!whole || Number.isInteger(n))))
    fail(`--${name} must be ${whole ? 'a whole number' : 'a number'} ≥ ${min}; got '${text}'`);
  return n;
}

// --report FILE prints a finished sweep's tables and growth check again from its JSON.
if (values.report) {
  const file = values.report as string;
  let json: Parameters<typeof readSweepJson>[0] & {
    date: string;
    loadAvg1: number[];
    seconds: number;
    machine: { cpu: string; cores: number; node: string };
    settings: Partial<PointSettings> & { maxPointSeconds: number };
  };
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
    if (!Array.isArray(json.points) || !Array.isArray(json.runners))
      throw new Error('it has no points and runners');
  } catch (e) {
    fail(`--report ${file}: ${(e as Error).message}; give a sweep-*.json file that sweep.js wrote`);
  }
  const { points, runners, outcomes } = readSweepJson(json);
  console.log(`${sweepReport(points, runners, outcomes)}\n`);
  const loads = json.loadAvg1;
  const s = json.settings;
  console.log(
    `run of ${json.date} on ${json.machine.cpu}, ${json.machine.cores} cores, Node ${json.machine.node}: ` +
      `${formatSeconds(json.seconds)}; ${s.threads} thread(s), budget ${s.budget} s, warm-up ${s.warmup}, ` +
      `at least ${s.minSteps} timed step(s), steps per call ${s.stepsPerCall ?? 'sized by the Trainer'}, ` +
      `--max-point-s ${s.maxPointSeconds}; 1-minute load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`,
  );
  process.exit(0);
}

let sizes: ReturnType<typeof gridSizes>;
try {
  sizes = gridSizes({
    hidden: values.hidden as string[],
    seq: values.seq as string[],
    batch: values.batch as string[],
  });
} catch (e) {
  fail((e as Error).message);
}
const points = gridPoints(sizes);
const maxPoint = numberOption('max-point-s', false, 1);
const settings: PointSettings = {
  budget: numberOption('budget', false, 0.1),
  warmup: numberOption('warmup', true, 1),
  minSteps: numberOption('min-steps', true, 1),
  stepsPerCall: values['steps-per-call'] ? numberOption('steps-per-call', true, 1) : undefined,
  threads: numberOption('threads', true, 0),
  timeout: values['point-timeout-s']
    ? numberOption('point-timeout-s', false, 1)
    : Math.max(60, 3 * maxPoint),
  python: values.python as string,
};
const backends = (values.backend as string[]).length
  ? [...new Set((values.backend as string[]).flatMap((b) => b.split(',')))]
  : ['onnx', 'js'];
if (backends.includes('pytorch'))
  fail("'pytorch' is not an rnnkit backend: it runs by itself unless --no-pytorch");
const noTorch = values['no-pytorch'] ? '--no-pytorch' : pytorchMissing(settings.python);
/** Steps a point runs at least: warm-up and the minimum timed, in whole blocks of steps per call. */
const perCall = settings.stepsPerCall ?? 1;
const blocks = (n: number) => Math.ceil(n / perCall) * perCall;
const leastSteps = blocks(settings.warmup) + blocks(settings.minSteps);
const runners = noTorch ? backends : [...backends, 'pytorch'];

const info = machine();
const loads = [loadavg()[0]];
console.log(
  `sweep: ${points.length} points × ${runners.join(', ')} on ${info.cpu}, ${info.cores} cores, Node ${info.node}; ` +
    `${settings.threads} thread(s), ${settings.warmup} warm-up step(s), then timed steps for ${settings.budget} s (at least ${settings.minSteps})${settings.stepsPerCall ? `, ${settings.stepsPerCall} steps per call on rnnkit` : ', steps per call sized by the Trainer on rnnkit (timed once the size settles)'}; ` +
    `points whose warm-up and minimum steps are estimated over ${maxPoint} s are skipped`,
);
if (noTorch) console.log(`(no PyTorch column: ${noTorch})`);

const outcomes: Outcomes = new Map(runners.map((r) => [r, new Map<string, Cell>()]));
const times = new Map(runners.map((r) => [r, new StepTimes(r)]));
const started = performance.now();
for (const point of points) {
  // Every runner measures this point before the next one starts, so drift hits them alike.
  for (const runner of runners) {
    const name = pointName(point);
    const est = times.get(runner)?.estimate(point);
    const skip = est && skipReason(est, leastSteps, maxPoint);
    let cell: Cell;
    if (skip) cell = { skipped: skip };
    else {
      loads.push(loadavg()[0]);
      cell = await spawnPoint(runner, point, settings);
    }
    outcomes.get(runner)?.set(name, cell);
    // A point killed at its time limit took at least that long for its first steps.
    if ('error' in cell && cell.timedOut)
      times.get(runner)?.record(point, settings.timeout / leastSteps);
    if ('result' in cell) {
      const r = cell.result;
      times.get(runner)?.record(point, r.seconds / r.steps);
      console.log(
        `${name.padEnd(18)} ${runner.padEnd(8)} ${Math.round(r.charsPerSec).toString().padStart(9)} chars/s  ${(r.maxRssKiB / 1024).toFixed(0).padStart(6)} MiB  ${r.steps} steps in ${formatSeconds(r.seconds)} (warm-up ${formatSeconds(r.warmupSeconds)}), cpuShare ${r.cpuShare}, loss ${r.loss.toFixed(3)}${r.window ? `, ${r.window}` : ''}`,
      );
    } else
      console.log(
        `${name.padEnd(18)} ${runner.padEnd(8)} ${'skipped' in cell ? `skipped: ${cell.skipped}` : `failed: ${cell.error}`}`,
      );
  }
}
loads.push(loadavg()[0]);
const seconds = (performance.now() - started) / 1000;

const growth = growthReports(runners, outcomes);
const notes = sweepNotes(points, runners, outcomes);
console.log(`\n${sweepReport(points, runners, outcomes)}`);
const loadRange = `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}`;
console.log(
  `\n${formatSeconds(seconds)} in all; 1-minute load average ${loadRange} on ${info.cores} cores`,
);

mkdirSync(values.out as string, { recursive: true });
const file = join(
  values.out as string,
  `sweep-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: info,
      settings: { ...settings, maxPointSeconds: maxPoint },
      runners,
      seconds,
      loadAvg1: loads,
      points: points.map((p) => ({
        ...p,
        ...Object.fromEntries(runners.map((r) => [r, outcomes.get(r)?.get(pointName(p))])),
      })),
      growth,
    },
    null,
    2,
  ),
);
console.log(`wrote ${file}`);
if (notes.some((n) => n.includes(': failed: '))) process.exitCode = 1;
