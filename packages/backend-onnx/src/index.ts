import { registerBackend } from '@rnnkit/core';
import { OnnxRuntimeError } from '@rnnkit/onnx/errors';
import { DataType, GraphBuilder } from '@rnnkit/onnx/format';
import { OnnxBackend, type OnnxBackendOptions } from './backend.js';
import { loadOrt, Session, type SessionConfig, type WorkerMode } from './runtime/node/runtime.js';

export { OnnxBackend, type OnnxBackendOptions } from './backend.js';
export type { KernelCall, Lower } from './graph/emit.js';
export { loadOrt, type SessionConfig } from './runtime/node/runtime.js';
export { OnnxWorkerStoppedError } from './runtime/worker-stopped.js';
export { OnnxStorage } from './storage.js';
export type { KernelSink } from './trace/kernel-sink.js';
export { OnnxRuntimeError };

/** The names this package registers. */
export type OnnxBackendName = 'onnx' | 'onnx-cuda';

/** The one line printed (console.warn) when 'onnx-cuda' falls back to the CPU. */
export function cudaFallbackNotice(reason: string): string {
  return (
    `rnnkit: backend 'onnx-cuda' runs on CPU: ONNX Runtime's CUDA execution provider is unavailable (${reason}). ` +
    'To enable it (Linux x64, CUDA 12 and cuDNN 9), reinstall onnxruntime-node with ' +
    'ONNXRUNTIME_NODE_INSTALL=cuda12 and its install script allowed ' +
    '(pnpm: allowBuilds: onnxruntime-node: true in pnpm-workspace.yaml).'
  );
}

/** How 'onnx-cuda' resolved in this process: the providers in use and the notice, if any. */
export interface CudaProbe {
  readonly providers: readonly string[];
  /** The fallback notice that was printed; null when CUDA is in use. */
  readonly notice: string | null;
}

let cudaProbe: CudaProbe | undefined;

/** The result of the CUDA probe ('onnx-cuda' was created), or undefined before it ran. */
export function cudaStatus(): CudaProbe | undefined {
  return cudaProbe;
}

/**
 * Loads a one-node model with providers ['cuda', 'cpu']. onnxruntime-node throws (e.g.
 * "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library") when the CUDA
 * provider libraries are not installed; any failure means the CPU. Runs once per process, so
 * the notice is printed once.
 */
function probeCuda(threads: number): CudaProbe {
  if (cudaProbe) return cudaProbe;
  const g = new GraphBuilder('cuda_probe');
  g.input('x', DataType.FLOAT, [1]);
  g.output('y', DataType.FLOAT, [1], g.op('Identity', ['x']));
  const providers = ['cuda', 'cpu'];
  try {
    new Session(g.encode(), ['x'], ['y'], { threads, providers }).dispose();
    cudaProbe = { providers, notice: null };
  } catch (err) {
    const message =
      err instanceof OnnxRuntimeError
        ? err.ortMessage
        : err instanceof Error
          ? err.message
          : String(err);
    const reason = message.split('\n')[0];
    const notice = cudaFallbackNotice(reason);
    console.warn(notice);
    cudaProbe = { providers: ['cpu'], notice };
  }
  return cudaProbe;
}

/**
 * Starts ONNX Runtime and returns an rnnkit backend on it. The registry calls this for
 * `setBackend('onnx')` / `setBackend('onnx-cuda')`; call it yourself only to pass options (then
 * `registerBackend(name, () => createOnnxBackend(name, options))`). 'onnx-cuda' falls back to
 * the CPU, with one notice on stderr, when the CUDA execution provider is not installed.
 */
export function createOnnxBackend(
  name: OnnxBackendName,
  options: OnnxBackendOptions = {},
): OnnxBackend {
  if (name !== 'onnx' && name !== 'onnx-cuda') {
    throw new Error(`unknown onnx backend '${String(name)}': use 'onnx' or 'onnx-cuda'`);
  }
  loadOrt(); // a missing onnxruntime-node fails here, with the install command
  const threads = options.threads ?? threadsFromEnv();
  const providers = name === 'onnx-cuda' ? probeCuda(threads).providers : ['cpu'];
  const worker = options.worker ?? workerFromEnv();
  const config: SessionConfig = { threads, providers, worker };
  return new OnnxBackend(name, config);
}

/**
 * One intra-op thread unless asked for more. rnnkit's graphs run many small nodes (a recurrent
 * step is tens of nodes on [batch, hidden] tensors), where ONNX Runtime's per-node threading
 * costs more than it gains: every benchmark ran slower with 2 threads than with 1 (the figures
 * are in tooling/bench/README.md, "Measurements behind choices in the code").
 */
export const DEFAULT_THREADS = 1;

/**
 * RNNKIT_ONNX_THREADS sets the intra-op thread count of backends made by name (as
 * OMP_NUM_THREADS does for PyTorch); 0: one per core; unset: DEFAULT_THREADS.
 */
function threadsFromEnv(): number {
  const v = process.env.RNNKIT_ONNX_THREADS;
  if (v === undefined || v === '') return DEFAULT_THREADS;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(
      `RNNKIT_ONNX_THREADS must be a whole number of threads (0: one per core), got '${v}'`,
    );
  }
  return n;
}

/**
 * RNNKIT_ONNX_WORKER: 'auto' (the default: the worker once a graph takes 50 ms or more), 1 (always
 * the worker) or 0 (always the calling thread).
 */
function workerFromEnv(): WorkerMode {
  const v = process.env.RNNKIT_ONNX_WORKER;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === '1') return true;
  if (v === '0') return false;
  throw new Error(`RNNKIT_ONNX_WORKER must be auto (the default), 1 or 0, got '${v}'`);
}

// Importing this package makes both names available. The JS backend stays the default
// (priority 100); ask for these by name: `await setBackend('onnx')`.
registerBackend('onnx', () => createOnnxBackend('onnx'), { priority: 5 });
registerBackend('onnx-cuda', () => createOnnxBackend('onnx-cuda'), { priority: 4 });
