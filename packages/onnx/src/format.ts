/**
 * `@rnnkit/onnx/format`: the ONNX ModelProto builder and reader alone, with no dependency on
 * `@rnnkit/cells` (a backend may import only core and its runtime; `@rnnkit/backend-onnx` builds
 * its traced graphs with this).
 */
export { type Dim, GraphBuilder, IR_VERSION, OPSET, valueInfo } from './builder.js';
export {
  type AttributeProto,
  AttributeType,
  type AttrValue,
  attributeValue,
  DataType,
  dataTypeName,
  decodeModel,
  encodeModel,
  FloatAttr,
  FloatsAttr,
  floatTensor,
  GraphAttr,
  type GraphProto,
  type HostArray,
  int64Tensor,
  type ModelProto,
  makeAttribute,
  type NodeProto,
  readTensor,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
