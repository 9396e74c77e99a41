import { RnnkitError } from '@rnnkit/core';

/**
 * ONNX Runtime refused or failed an operation (loading a model, running it: a Gather index out
 * of range, an allocation that failed, a feed of the wrong shape). `ortMessage` is ONNX
 * Runtime's own message, unchanged; the error's message adds what rnnkit was doing.
 * `@rnnkit/onnx` (the `rnnkit-onnx run --engine ort` path) and `@rnnkit/backend-onnx` both throw
 * it; import it from either, or from `@rnnkit/onnx/errors` without the rest of the package.
 */
export class OnnxRuntimeError extends RnnkitError {
  override name = 'OnnxRuntimeError';

  constructor(
    doing: string,
    readonly ortMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${doing}: ONNX Runtime: ${ortMessage}`, options);
  }

  /** Wraps what ONNX Runtime threw (an Error or anything else) while rnnkit was `doing`. */
  static wrap(doing: string, err: unknown): OnnxRuntimeError {
    if (err instanceof OnnxRuntimeError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new OnnxRuntimeError(doing, message, { cause: err });
  }
}
