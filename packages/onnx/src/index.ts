// What needs @rnnkit/cells (an optional peer) comes from cells-api.ts through #cells-peer (Node:
// cells-peer.ts, loading it with import(); bundles: cells-static.ts, a static import), so
// that `import '@rnnkit/onnx'` works without cells; without it those exports throw an error
// naming the package to install. The rest loads statically.

import { api } from '#cells-peer';
import type * as CellsApi from './cells-api.js';

export type {
  ExportableModel,
  ExportOptions,
  Feed,
  HostCellWeights,
  ImportOptions,
  OnnxRecurrentLayer,
  OnnxRecurrentSpec,
  OnnxWeights,
  RecurrentNodeInfo,
  RnnkitModel,
  TensorInfo,
} from './cells-api.js';
export { exportOnnxRecurrent } from './export-onnx-layer.js';
export * from './format.js';
export { formatInspect, type InspectedLayer, type InspectReport, inspectOnnx } from './inspect.js';
export { IO_NAMES, MODEL_METADATA_KEY, type ModelDescription } from './model-metadata.js';
export { OnnxRuntimeError } from './ort-error.js';
export { SUPPORTED_OPS } from './supported-ops.js';

export const fromOnnxWeights: typeof CellsApi.fromOnnxWeights = api.fromOnnxWeights;
export const onnxGateOrder: typeof CellsApi.onnxGateOrder = api.onnxGateOrder;
export const toOnnxWeights: typeof CellsApi.toOnnxWeights = api.toOnnxWeights;
export const exportOnnx: typeof CellsApi.exportOnnx = api.exportOnnx;
export const exportOnnxModel: typeof CellsApi.exportOnnxModel = api.exportOnnxModel;
export const importOnnx: typeof CellsApi.importOnnx = api.importOnnx;
export const OnnxModel: typeof CellsApi.OnnxModel = api.OnnxModel;
export type OnnxModel = CellsApi.OnnxModel;
export const buildModel: typeof CellsApi.buildModel = api.buildModel;
export const toRnnkitModel: typeof CellsApi.toRnnkitModel = api.toRnnkitModel;
