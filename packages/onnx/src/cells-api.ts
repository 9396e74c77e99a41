// The part of @rnnkit/onnx that builds or reads @rnnkit/cells models: export, import, rebuild
// and cells' gate-order conversions. index.ts and the CLI load it through cells-peer.ts only, so
// that the rest of the package (inspect, the format, `run --engine ort`) works without cells.

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
} from './export.js';
export {
  type Feed,
  type ImportOptions,
  importOnnx,
  OnnxModel,
  type RecurrentNodeInfo,
  type TensorInfo,
} from './import.js';
export type { OnnxRecurrentLayer, OnnxRecurrentSpec } from './onnx-recurrent-layer.js';
export { buildModel, type RnnkitModel, toRnnkitModel } from './rebuild.js';
