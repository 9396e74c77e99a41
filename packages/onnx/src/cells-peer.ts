// @rnnkit/cells is an optional peer of @rnnkit/onnx: loaded here once, through import(), so that
// importing the package or running `rnnkit-onnx inspect` works without it. Without cells, what
// needs it throws an error naming the package to install (as core does for a missing backend).
import { isNotInstalled, RnnkitError } from '@rnnkit/core';
import type * as CellsApi from './cells-api.js';

export const CELLS_PACKAGE = '@rnnkit/cells';

/** cells-api.js, or undefined when @rnnkit/cells is not installed. */
export const cellsApi: typeof CellsApi | undefined = await import('./cells-api.js').catch((e) => {
  if (isNotInstalled(e, CELLS_PACKAGE)) return undefined;
  throw e;
});

/** The error for `what` (e.g. 'exportOnnx') without @rnnkit/cells installed. */
export function cellsMissing(what: string): RnnkitError {
  return new RnnkitError(
    `${what} needs the package ${CELLS_PACKAGE}, an optional peer dependency of @rnnkit/onnx: install it next to @rnnkit/onnx (npm install ${CELLS_PACKAGE})`,
  );
}

/** Stands in for a cells-api export when cells is missing: calling or constructing it throws. */
function missing<T>(what: string): T {
  return function needsCells() {
    throw cellsMissing(what);
  } as T;
}

type Api = typeof CellsApi;

/** cells-api's runtime exports, or stand-ins that throw the install hint. */
export const api: Api = cellsApi ?? {
  fromOnnxWeights: missing('fromOnnxWeights'),
  onnxGateOrder: missing('onnxGateOrder'),
  toOnnxWeights: missing('toOnnxWeights'),
  exportOnnx: missing('exportOnnx'),
  exportOnnxModel: missing('exportOnnxModel'),
  importOnnx: missing('importOnnx'),
  OnnxModel: missing('OnnxModel'),
  buildModel: missing('buildModel'),
  toRnnkitModel: missing('toRnnkitModel'),
};
