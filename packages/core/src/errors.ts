/** Base class of every error rnnkit throws on purpose. */
export class RnnkitError extends Error {
  override name = 'RnnkitError';
}

/** A tensor had the wrong shape or dtype for an op; the message names the op and the shapes. */
export class ShapeError extends RnnkitError {
  override name = 'ShapeError';
}

/** A backend was asked for that is not registered or could not start. */
export class BackendError extends RnnkitError {
  override name = 'BackendError';
}

/** A tensor was used after it was disposed. */
export class DisposedError extends RnnkitError {
  override name = 'DisposedError';
}

/** Formats a shape as `[2, 3]` for error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
