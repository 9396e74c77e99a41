export type {
  CellDef,
  CellKind,
  CellSettings,
  CellState,
  CellVariant,
  CellWeights,
  Nonlinearity,
  OnnxAttr,
  OnnxMapping,
  RefCellWeights,
  StateName,
  StepConfig,
} from './cell-def.js';
export { type CellOptions, GRUCell, LSTMCell, RNNCell } from './cells.js';
export { GRU, type GRUOptions, gruDef } from './gru.js';
export { Dropout, Embedding, type EmbeddingOptions, Linear, type LinearOptions } from './layers.js';
export { checkLengths, lengthMask } from './length-mask.js';
export { LSTM, type LSTMOptions, lstmDef } from './lstm.js';
export { MinGRU, minGruDef } from './mingru.js';
export { MinLSTM, minLstmDef } from './minlstm.js';
export { CharLM, type CharLMOptions, CharLMStepper } from './models/char-lm.js';
export { type CharLMConfig, charLMFromConfig } from './models/char-lm-config.js';
export { type CellName, type LayerChoice, makeLayer } from './models/make-layer.js';
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
export {
  CELL_NAMES,
  type CellTestVariant,
  cellChoice,
  cellChoiceName,
  cellDef,
  cellDefs,
  cellForOnnxOp,
  cellVariants,
  isRegisteredCell,
} from './registry.js';
export { RNN, type RNNOptions, rnnDef } from './rnn.js';
export { LayerStepper } from './stepper.js';
export { fromTorchName, toTorchName } from './torch-names.js';
