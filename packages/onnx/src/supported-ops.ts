// Kept apart from import.ts so that inspect (and the CLI's inspect) does not load @rnnkit/cells,
// an optional peer.

/** Operators `importOnnx` understands (default ONNX domain). */
export const SUPPORTED_OPS = [
  'RNN',
  'LSTM',
  'GRU',
  'Gather',
  'Gemm',
  'MatMul',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Relu',
  'Tanh',
  'Sigmoid',
  'Softmax',
  'LogSoftmax',
  'Transpose',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Concat',
  'Slice',
  'Shape',
  'Cast',
  'Constant',
  'ConstantOfShape',
  'Expand',
  'Identity',
  'Dropout',
] as const;

/** One of SUPPORTED_OPS; import-ops/table.ts holds a handler for each. */
export type SupportedOp = (typeof SUPPORTED_OPS)[number];
