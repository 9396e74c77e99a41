export { type CellOptions, GRUCell, LSTMCell, RNNCell } from './cells.js';
export { GRU, type GRUOptions } from './gru.js';
export { Dropout, Embedding, type EmbeddingOptions, Linear, type LinearOptions } from './layers.js';
export { LSTM, type LSTMOptions } from './lstm.js';
export { CharLM, type CharLMOptions, CharLMStepper } from './models/char-lm.js';
export { CELL_NAMES, type CellName, type LayerChoice, makeLayer } from './models/make-layer.js';
export { SequenceRegressor, type SequenceRegressorOptions } from './models/sequence-regressor.js';
export {
  fromOnnxWeights,
  type HostCellWeights,
  type OnnxWeights,
  onnxGateOrder,
  toOnnxWeights,
} from './onnx-layout.js';
export {
  type ForwardOptions,
  type LayerState,
  RecurrentLayer,
  type RecurrentOptions,
  type RecurrentOutput,
} from './recurrent.js';
export { RNN, type RNNOptions } from './rnn.js';
export { LayerStepper } from './stepper.js';
export type { CellKind, CellWeights, Nonlinearity } from './steps.js';
export { fromTorchName, toTorchName } from './torch-names.js';
