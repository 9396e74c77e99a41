// The ONNX Runtime Web worker of @rnnkit/backend-onnx (see web-runtime.ts, its page side).
//
// It owns the sessions (of compiled graphs and of single kernels) and the values they produce:
// a value stays here, under the id the page gave it, until it is read or freed, as in the Node
// worker (node/ort-worker.mjs), and it speaks the same requests (runtime/protocol.ts) plus
// `init`, which picks the execution provider. onnxruntime-web's calls are asynchronous, so
// messages are chained: each is handled once the one before it has finished, in arrival order,
// and a read always sees the run that made its value.

import type * as Ort from 'onnxruntime-web';
import type { HostValue, PostedFeed, Reply, Request } from '../protocol.js';

/** The first message: which execution provider, how many threads, where the .wasm files are. */
export interface InitRequest {
  t: 'init';
  ep: 'wasm' | 'webgpu';
  threads: number;
  wasmPaths?: string;
}

type Failure = { error: string; ort?: string };
type Loaded = {
  session: Ort.InferenceSession;
  inputs: readonly string[];
  outputs: readonly string[];
};

interface WorkerScope {
  onmessage: ((e: { data: Request | InitRequest }) => void) | null;
  postMessage(m: Reply): void;
}
const scope = globalThis as unknown as WorkerScope;

let ep: 'wasm' | 'webgpu' = 'wasm';
/** The init message's wasmPaths (undefined: onnxruntime-web's default, beside its script). */
let wasmPaths: string | undefined;
/** Whether a session has been created, i.e. onnxruntime-web's WebAssembly has started. */
let started = false;
/** onnxruntime-web (an optional peer dependency, so loaded on `init`), or why it is missing. */
let ort: typeof Ort | Failure = { error: 'the worker got no init message' };
const sessions = new Map<number, Promise<Loaded | Failure>>();
const values = new Map<number, Ort.Tensor | Failure>();

/**
 * The first error the WebGPU device reported outside any error scope (a pipeline that failed
 * validation, memory that ran out): the node that hit it left its output unwritten, and ONNX
 * Runtime Web's run still resolved, so from then on every run and read fails with it.
 */
let gpuError: Failure | undefined;
let watchingDevice = false;

/** The part of a GPUDevice that reports errors (onnxruntime-web's own typing is `unknown` here). */
interface ErrorReportingDevice {
  addEventListener(
    type: 'uncapturederror',
    listener: (e: { error: { message: string; constructor: { name: string } } }) => void,
  ): void;
}

/**
 * Listens for the errors of the device onnxruntime-web made for its first WebGPU session, where
 * it hands that device out (`ort.env.webgpu.device`); where it does not, nothing is watched.
 */
async function watchDevice(o: typeof Ort): Promise<void> {
  if (watchingDevice) return;
  watchingDevice = true;
  let device: ErrorReportingDevice | undefined;
  try {
    device = (await o.env.webgpu.device) as unknown as ErrorReportingDevice | undefined;
  } catch {
    return;
  }
  device?.addEventListener('uncapturederror', ({ error }) => {
    gpuError ??= {
      error: `backend 'onnx-webgpu' stopped: its WebGPU device reported a ${error.constructor.name}, so results computed on it since are wrong (the failing work wrote nothing); use 'onnx-wasm' instead. The device said: ${error.message.trim()}`,
    };
  });
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const failed = (v: unknown): v is Failure => typeof v === 'object' && v !== null && 'error' in v;

/**
 * onnxruntime-web's build for `ep`. 'wasm' takes the package's `/wasm` entry, whose WebAssembly
 * (ort-wasm-simd-threaded.wasm) has no WebGPU support: the default entry's build
 * (ort-wasm-simd-threaded.jsep.wasm) carries WebGPU's JavaScript execution provider and is
 * compiled with Asyncify so its kernels can wait for the GPU, which slows the CPU kernels too
 * (figures in the README's "Speed in the browser").
 */
function importOrt(ep: 'wasm' | 'webgpu'): Promise<typeof Ort> {
  return ep === 'wasm' ? import('onnxruntime-web/wasm') : import('onnxruntime-web');
}

async function init(m: InitRequest): Promise<void> {
  ep = m.ep;
  try {
    ort = await importOrt(m.ep);
  } catch (e) {
    ort = {
      error: `backend 'onnx-${m.ep}' needs onnxruntime-web, which could not be loaded (${message(e)}): npm install onnxruntime-web@1.30 (a peer dependency of @rnnkit/backend-onnx)`,
    };
    return;
  }
  ort.env.wasm.numThreads = m.threads;
  wasmPaths = m.wasmPaths;
  if (m.wasmPaths) ort.env.wasm.wasmPaths = m.wasmPaths;
  // failures reach the page as errors; ONNX Runtime's own log would repeat them on the console
  ort.env.logLevel = 'error';
}

/**
 * The execution provider of a graph. On WebGPU, graphs with Scan loops run on WebAssembly: ONNX
 * Runtime Web runs Scan itself on the CPU, and the values a Scan hands to WebGPU nodes after it
 * came out wrong (1.30: of two Scans' same-sized outputs, each reshaped on the GPU, both reshapes
 * gave the first one's values, so a bidirectional layer's input gradient was wrong).
 */
function providerFor(options: object): 'wasm' | 'webgpu' {
  return ep === 'webgpu' && (options as { loops?: boolean }).loops ? 'wasm' : ep;
}

/**
 * The memory options native ONNX Runtime has by default, which onnxruntime-web leaves off
 * unless asked: a CPU arena that keeps freed blocks for the next run, and memory patterns, which
 * plan one block for a run's intermediate values from the runs before (the Node backend turns
 * memory patterns off to bound its peak resident memory; see runtime/node/runtime.ts). Without them each of a training step's thousands of intermediate values is a fresh
 * malloc and free in the WebAssembly heap. WebGPU keeps onnxruntime-web's own settings (it turns
 * memory patterns off for its sessions).
 */
const CPU_MEMORY = { enableCpuMemArena: true, enableMemPattern: true } as const;

async function load(m: Extract<Request, { t: 'load' }>): Promise<Loaded | Failure> {
  if (failed(ort)) return ort;
  try {
    const provider = providerFor(m.options);
    const session = await ort.InferenceSession.create(m.model, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      ...(provider === 'wasm' ? CPU_MEMORY : {}),
    });
    if (provider === 'webgpu') await watchDevice(ort);
    started = true;
    return { session, inputs: m.inputs, outputs: m.outputs };
  } catch (e) {
    const o = message(e);
    if (!started && NO_BACKEND.test(o)) return { error: wasmNotStarted(o) };
    return { error: `ONNX Runtime Web could not load a graph: ${o}`, ort: o };
  }
}

/** onnxruntime-web's message when its WebAssembly could not be fetched or instantiated. */
const NO_BACKEND = /no available backend found/i;

/**
 * Why the first session failed when onnxruntime-web's WebAssembly did not start: the .wasm (and,
 * for unbundled builds, its .mjs) were not where it looked, which is the wasmPaths option's to fix.
 */
function wasmNotStarted(ortMessage: string): string {
  const where =
    wasmPaths === undefined
      ? 'from beside its own script (no wasmPaths option was given)'
      : `from wasmPaths '${wasmPaths}'`;
  return `ONNX Runtime Web could not start its WebAssembly, loaded ${where}: ${ortMessage}. Serve the .wasm and .mjs files of node_modules/onnxruntime-web/dist from one folder and pass its URL, ending in '/', as the wasmPaths option: createWebOnnxBackend('onnx-${ep}', { wasmPaths })`;
}

/** An ONNX Runtime tensor over a posted feed's host values. */
function hostTensor(ort: typeof Ort, f: HostValue): Ort.Tensor {
  return new ort.Tensor(f.data instanceof Int32Array ? 'int32' : 'float32', f.data, f.shape);
}

function feed(ort: typeof Ort, f: PostedFeed): Ort.Tensor | Failure {
  if ('ref' in f)
    return values.get(f.ref) ?? { error: `value ${f.ref} was freed before a graph read it` };
  if ('keep' in f) return values.get(f.keep)!;
  return hostTensor(ort, f);
}

async function run(m: Extract<Request, { t: 'run' }>): Promise<void> {
  const fail = (failure: Failure) => {
    for (const id of m.outs) values.set(id, failure);
  };
  // moved feeds are this worker's values from now on, whatever becomes of the run
  for (const f of m.feeds) {
    if ('keep' in f) values.set(f.keep, failed(ort) ? ort : hostTensor(ort, f));
  }
  const s = (await sessions.get(m.sid)) ?? { error: `graph ${m.sid} was dropped before it ran` };
  if (failed(s)) return fail(s);
  if (failed(ort)) return fail(ort);
  if (gpuError) return fail(gpuError);
  const named: Record<string, Ort.Tensor> = {};
  for (let i = 0; i < m.feeds.length; i++) {
    const v = feed(ort, m.feeds[i]);
    if (failed(v)) return fail(v);
    named[s.inputs[i]] = v;
  }
  try {
    const result = await s.session.run(named);
    m.outs.forEach((id, i) => {
      values.set(id, gpuError ?? result[s.outputs[i]]);
    });
  } catch (e) {
    fail({ error: message(e), ort: message(e) });
  }
}

function read(m: Extract<Request, { t: 'read' }>): void {
  const v = gpuError ?? values.get(m.id);
  const r: Reply =
    v === undefined
      ? { error: `value ${m.id} was freed before it was read` }
      : failed(v)
        ? { error: v.error, ort: v.ort }
        : { data: v.data as Float32Array | Int32Array, shape: [...v.dims] };
  scope.postMessage({ rid: m.rid, ...r });
}

async function handle(m: Request | InitRequest): Promise<void> {
  switch (m.t) {
    case 'init':
      return init(m);
    case 'load':
      // loading is asynchronous too: later messages wait for it through `sessions`
      sessions.set(m.sid, load(m));
      await sessions.get(m.sid);
      return;
    case 'run':
      return run(m);
    case 'read':
      return read(m);
    case 'free':
      for (const id of m.ids) values.delete(id);
      return;
    case 'drop': {
      const s = await sessions.get(m.sid);
      sessions.delete(m.sid);
      if (s && !failed(s)) await s.session.release();
      return;
    }
    case 'stats': {
      // onnxruntime-web writes back the thread count it settled on (1 where threads cannot run)
      const threads = failed(ort) ? 0 : (ort.env.wasm.numThreads ?? 0);
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
      scope.postMessage({
        rid: m.rid,
        data: Int32Array.of(values.size, sessions.size, threads, isolated ? 1 : 0),
        shape: [4],
      });
      return;
    }
    case 'close':
      return;
  }
}

let chain: Promise<void> = Promise.resolve();
scope.onmessage = (e) => {
  chain = chain.then(() => handle(e.data));
};
