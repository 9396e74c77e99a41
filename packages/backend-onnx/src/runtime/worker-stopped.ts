import { RnnkitError } from '@rnnkit/core';

/**
 * The ONNX Runtime worker thread (see remote.ts) stopped: it exited, threw outside a graph run,
 * was terminated or ran out of memory. Every pending and later read of a value it held fails
 * with this error, and so does every later compiled call on the backend (`backend.failure`
 * holds it): the values it held are gone.
 */
export class OnnxWorkerStoppedError extends RnnkitError {
  override name = 'OnnxWorkerStoppedError';

  constructor(
    /** Why it stopped, in words: its exit code and error. */
    readonly reason: string,
    /** The thread's exit code; null when it is not known (the backend was disposed). */
    readonly exitCode: number | null,
  ) {
    super(
      `onnx backend: the ONNX Runtime worker thread stopped (${reason}). The values it held ` +
        '(results of compiled graphs, parameters updated by them) are lost and this backend runs ' +
        'no more compiled graphs: register a new one (registerBackend with createOnnxBackend, then ' +
        'setBackend) and restore the model from a checkpoint',
    );
  }
}

/** What the watching thread reports when the worker ends (see ort-supervisor.mjs). */
export interface WorkerEnd {
  code: number | null;
  error?: string;
  requested?: string;
}

/** The error for a worker that ended as `end` says. */
export function stoppedError(end: WorkerEnd): OnnxWorkerStoppedError {
  const parts = [`exit code ${end.code ?? 'unknown'}`];
  if (end.requested) parts.push(`terminated: ${end.requested}`);
  if (end.error) parts.push(`error: ${end.error}`);
  return new OnnxWorkerStoppedError(parts.join('; '), end.code);
}
