import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Backend, getBackend, Rng, RnnkitError, setBackend, type Tensor } from '@rnnkit/core';
import { cellsApi, cellsMissing } from './cells-peer.js';
import { cliErrorMessage } from './cli-errors.js';
import { buildModel, exportOnnx, type Feed, importOnnx } from './index.js';
import { formatInspect, inspectOnnx } from './inspect.js';
import type { ModelDescription } from './model-metadata.js';
import { OnnxRuntimeError } from './ort-error.js';
import { checkFeeds, seedFlag, sizeFlag } from './run-checks.js';

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const USAGE = `rnnkit-onnx: ONNX export, inspection and runs for rnnkit models

usage:
  rnnkit-onnx inspect <model.onnx> [--json]
      inputs, outputs, operators and recurrent layers of any ONNX file, and whether rnnkit
      can import it
  rnnkit-onnx run <model.onnx> [--engine rnnkit|ort|both] [--inputs feeds.json]
                  [--batch 1] [--seq 8] [--seed 0] [--max-token N] [--backend js] [--json]
      runs the model on inputs from feeds.json ({"name": {"shape": [...], "data": [...]}})
      or on seeded random ones (dynamic dimensions from --batch/--seq, integer inputs in
      [0, --max-token)); 'both' also prints the largest difference between rnnkit and
      ONNX Runtime (needs the optional onnxruntime-node package)
  rnnkit-onnx export <checkpoint.safetensors> -o <model.onnx> [--model <json or file>]
                  [--seq dynamic|N] [--no-state] [--token-type int64|int32]
      exports an rnnkit checkpoint (@rnnkit/train format). The model is described by --model
      ({"type": "CharLM", "options": {...}}; types RNN, LSTM, GRU, SequenceRegressor,
      CharLM) or read from a char-text checkpoint's config (its vocabulary goes into the
      ONNX metadata as rnnkit.vocabulary)
`;

const BACKEND_PACKAGES: Record<string, string> = {
  js: '@rnnkit/backend-js',
  'tfjs-cpu': '@rnnkit/backend-tfjs',
  'tfjs-wasm': '@rnnkit/backend-tfjs',
  onnx: '@rnnkit/backend-onnx',
  'onnx-cuda': '@rnnkit/backend-onnx',
};

async function useBackendNamed(name: string): Promise<Backend> {
  const pkg = BACKEND_PACKAGES[name];
  if (!pkg)
    throw new RnnkitError(
      `unknown backend '${name}'; choose one of ${Object.keys(BACKEND_PACKAGES).join(', ')}`,
    );
  try {
    await import(pkg);
  } catch {
    throw new RnnkitError(`backend '${name}' needs ${pkg}: install it next to @rnnkit/onnx`);
  }
  await setBackend(name);
  return getBackend();
}

async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (e) {
    throw new RnnkitError(
      `--engine ort needs the optional peer dependency onnxruntime-node (npm install onnxruntime-node; set ONNXRUNTIME_NODE_INSTALL=skip to skip its CUDA download): ${(e as Error).message}`,
    );
  }
}

interface HostFeed {
  shape: number[];
  data: number[];
  type: string;
}

function makeInputs(
  inputs: { name: string; elemType: string; shape: (number | string)[] }[],
  o: { batch: number; seq: number; seed: number; maxToken: number },
  file?: string,
): Record<string, HostFeed> {
  const given = file
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<
        string,
        { shape: number[]; data: number[] }
      >)
    : {};
  const rng = new Rng(o.seed);
  const out: Record<string, HostFeed> = {};
  for (const i of inputs) {
    if (given[i.name]) {
      out[i.name] = { ...given[i.name], type: i.elemType };
      continue;
    }
    if (file) throw new RnnkitError(`${file} has no entry for input '${i.name}'`);
    const shape = i.shape.map((d, k) => {
      if (typeof d === 'number') return d;
      if (/seq|time/i.test(d)) return o.seq;
      if (/batch/i.test(d) || k === 0) return o.batch;
      return o.seq;
    });
    const n = shape.reduce((a, b) => a * b, 1);
    const data = i.elemType.startsWith('float')
      ? Array.from(rng.uniformArray(n, -1, 1))
      : Array.from({ length: n }, () => rng.int(o.maxToken));
    out[i.name] = { shape, data, type: i.elemType };
  }
  return out;
}

function summary(name: string, shape: readonly number[], data: ArrayLike<number>): string {
  const head = Array.from(data)
    .slice(0, 6)
    .map((v) => Number(v).toPrecision(5))
    .join(', ');
  return `  ${name} [${shape.join(', ')}]: ${head}${data.length > 6 ? ', ...' : ''}`;
}

async function cmdRun(file: string, v: Record<string, string | boolean | undefined>, io: CliIO) {
  const bytes = new Uint8Array(readFileSync(file));
  const engine = String(v.engine ?? 'rnnkit');
  if (!['rnnkit', 'ort', 'both'].includes(engine))
    throw new RnnkitError(`--engine must be rnnkit, ort or both, got '${engine}'`);
  const report = inspectOnnx(bytes);
  const inputs = report.inputs.map((i) => ({ name: i.name, elemType: i.type, shape: i.shape }));
  const feeds = makeInputs(
    inputs,
    {
      batch: sizeFlag('batch', v.batch, 1),
      seq: sizeFlag('seq', v.seq, 8),
      seed: seedFlag(v.seed),
      maxToken: sizeFlag('max-token', v['max-token'], 2),
    },
    v.inputs as string | undefined,
  );
  checkFeeds(inputs, feeds, v.inputs ? String(v.inputs) : 'random, from --batch/--seq');
  const results: Record<string, Record<string, { shape: number[]; data: number[] }>> = {};
  if (engine !== 'ort') {
    if (!cellsApi)
      throw new RnnkitError(
        `${cellsMissing(`--engine ${engine}`).message}; --engine ort runs the model on ONNX Runtime without it`,
      );
    const backend = await useBackendNamed(String(v.backend ?? 'js'));
    const m = importOnnx(bytes, { backend });
    const f: Record<string, Feed> = Object.fromEntries(
      Object.entries(feeds).map(([k, x]) => [k, { data: x.data, shape: x.shape }]),
    );
    const out = await m.run(f);
    results.rnnkit = Object.fromEntries(
      await Promise.all(
        Object.entries(out).map(async ([k, t]: [string, Tensor]) => [
          k,
          { shape: [...t.shape], data: Array.from(await t.data()) },
        ]),
      ),
    );
  }
  if (engine !== 'rnnkit') {
    const ort = await loadOrt();
    // failures reach the user once, as an OnnxRuntimeError, not also as ONNX Runtime's log line
    const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 4 }).catch((e) => {
      throw OnnxRuntimeError.wrap(`loading ${file}`, e);
    });
    const f = Object.fromEntries(
      Object.entries(feeds).map(([k, x]) => {
        if (x.type === 'int64')
          return [k, new ort.Tensor('int64', BigInt64Array.from(x.data.map(BigInt)), x.shape)];
        if (x.type === 'int32')
          return [k, new ort.Tensor('int32', Int32Array.from(x.data), x.shape)];
        return [k, new ort.Tensor('float32', Float32Array.from(x.data), x.shape)];
      }),
    );
    const out = await s.run(f).catch((e) => {
      throw OnnxRuntimeError.wrap(`running ${file}`, e);
    });
    results.ort = Object.fromEntries(
      Object.entries(out).map(([k, t]) => [
        k,
        { shape: [...t.dims], data: Array.from(t.data as Float32Array, Number) },
      ]),
    );
  }
  let maxDiff: number | undefined;
  if (results.rnnkit && results.ort) {
    maxDiff = 0;
    for (const [k, a] of Object.entries(results.rnnkit)) {
      const b = results.ort[k];
      for (let i = 0; i < a.data.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(a.data[i] - b.data[i]));
    }
  }
  if (v.json) {
    io.out(JSON.stringify({ inputs: feeds, outputs: results, maxAbsDiff: maxDiff }));
    return;
  }
  io.out(`inputs${v.inputs ? ` from ${v.inputs}` : ` (random, seed ${v.seed ?? 0})`}:`);
  for (const [k, x] of Object.entries(feeds)) io.out(summary(k, x.shape, x.data));
  for (const [eng, outs] of Object.entries(results)) {
    io.out(`outputs (${eng === 'ort' ? 'ONNX Runtime' : `rnnkit, backend ${v.backend ?? 'js'}`}):`);
    for (const [k, x] of Object.entries(outs)) io.out(summary(k, x.shape, x.data));
  }
  if (maxDiff !== undefined) io.out(`largest |rnnkit − ONNX Runtime|: ${maxDiff.toExponential(2)}`);
}

function describeFromConfig(
  config: unknown,
  source: string,
): { desc: ModelDescription; metadata: Record<string, string> } {
  const c = config as
    | { app?: string; model?: Record<string, unknown>; vocabulary?: unknown }
    | undefined;
  if (c?.model && typeof c.model.vocabSize === 'number') {
    const { dropout: _d, ...options } = c.model;
    return {
      desc: { type: 'CharLM', options },
      metadata: c.vocabulary ? { 'rnnkit.vocabulary': JSON.stringify(c.vocabulary) } : {},
    };
  }
  throw new RnnkitError(
    `${source}: cannot tell which model it holds from its config${c?.app ? ` (app '${c.app}')` : ''}; describe it with --model '{"type": "LSTM", "options": {...}}'`,
  );
}

async function cmdExport(file: string, v: Record<string, string | boolean | undefined>, io: CliIO) {
  if (!v.out) throw new RnnkitError('export: name the output file with -o model.onnx');
  if (!cellsApi) throw cellsMissing('export');
  let train: typeof import('@rnnkit/train');
  try {
    train = await import('@rnnkit/train');
  } catch {
    throw new RnnkitError(
      'export reads checkpoints with @rnnkit/train: install it next to @rnnkit/onnx',
    );
  }
  await useBackendNamed('js');
  const ckpt = train.loadCheckpoint(file);
  let desc: ModelDescription;
  let metadata: Record<string, string> = {};
  if (v.model) {
    const text = String(v.model).trim().startsWith('{')
      ? String(v.model)
      : readFileSync(String(v.model), 'utf8');
    desc = JSON.parse(text) as ModelDescription;
  } else ({ desc, metadata } = describeFromConfig(ckpt.config, file));
  const model = buildModel(desc);
  train.restoreModel(model, ckpt, file);
  const seq = v.seq === undefined || v.seq === 'dynamic' ? 'dynamic' : Number(v.seq);
  const bytes = await exportOnnx(model.eval(), {
    sequenceLength: seq,
    withState: !v['no-state'],
    tokenType: (v['token-type'] as 'int64' | 'int32' | undefined) ?? 'int64',
    metadata,
  });
  writeFileSync(String(v.out), bytes);
  io.out(
    `wrote ${v.out} (${bytes.length.toLocaleString('en-US')} bytes): ${desc.type} from ${file}, step ${ckpt.progress.step}`,
  );
  io.out(formatInspect(inspectOnnx(bytes), String(v.out)));
}

/** Runs the CLI; returns the exit code. */
export async function runCli(
  argv: string[],
  io: CliIO = { out: console.log, err: console.error },
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        engine: { type: 'string' },
        inputs: { type: 'string' },
        batch: { type: 'string' },
        seq: { type: 'string' },
        seed: { type: 'string' },
        'max-token': { type: 'string' },
        backend: { type: 'string' },
        out: { type: 'string', short: 'o' },
        model: { type: 'string' },
        'no-state': { type: 'boolean' },
        'token-type': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [cmd, file, ...rest] = parsed.positionals;
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help || !cmd) {
    io.out(USAGE);
    return cmd || v.help ? 0 : 2;
  }
  if (!['inspect', 'run', 'export'].includes(cmd) || !file || rest.length) {
    io.err(
      `${!['inspect', 'run', 'export'].includes(cmd) ? `unknown command '${cmd}'` : !file ? `${cmd}: name a file` : `unexpected arguments: ${rest.join(' ')}`}\n\n${USAGE}`,
    );
    return 2;
  }
  try {
    if (cmd === 'inspect') {
      const r = inspectOnnx(new Uint8Array(readFileSync(file)));
      io.out(v.json ? JSON.stringify(r, null, 2) : formatInspect(r, file));
    } else if (cmd === 'run') await cmdRun(file, v, io);
    else await cmdExport(file, v, io);
    return 0;
  } catch (e) {
    io.err(
      `rnnkit-onnx ${cmd}: ${cliErrorMessage(e, { input: file, output: v.out as string | undefined })}`,
    );
    return 1;
  }
}
