// The gate-order conversions live once, in @rnnkit/cells (its ONNX Runtime fixtures test them);
// re-exported here so ONNX users find them in this package too.
export {
  fromOnnxWeights,
  type HostCellWeights,
  type OnnxWeights,
  onnxGateOrder,
  toOnnxWeights,
} from '@rnnkit/cells';
export {
  type ExportableModel,
  type ExportOptions,
  exportOnnx,
  exportOnnxModel,
  IO_NAMES,
  MODEL_METADATA_KEY,
  type ModelDescription,
} from './export.js';
export * from './format.js';
export {
  type Feed,
  type ImportOptions,
  importOnnx,
  OnnxModel,
  type RecurrentNodeInfo,
  SUPPORTED_OPS,
  type TensorInfo,
} from './import.js';
export { formatInspect, type InspectedLayer, type InspectReport, inspectOnnx } from './inspect.js';
export { OnnxRuntimeError } from './ort-error.js';
export { buildModel, type RnnkitModel, toRnnkitModel } from './rebuild.js';
