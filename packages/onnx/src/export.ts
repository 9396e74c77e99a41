import {
  type CellName,
  CharLM,
  cellChoiceName,
  GRU,
  isRegisteredCell,
  type Linear,
  type OnnxAttr,
  type OnnxMapping,
  RecurrentLayer,
  RNN,
  SequenceRegressor,
  toOnnxWeights,
} from '@rnnkit/cells';
import { type Module, RnnkitError, type Tensor } from '@rnnkit/core';
import { DataType, type Dim, GraphBuilder } from './builder.js';
import { IO_NAMES, MODEL_METADATA_KEY, type ModelDescription } from './model-metadata.js';
import { encodeModel, FloatsAttr, type ModelProto } from './proto.js';

/** What `exportOnnx` accepts: a recurrent layer (RNN, LSTM, GRU) or one of the ready models. */
export type ExportableModel = RecurrentLayer | SequenceRegressor | CharLM;

export interface ExportOptions {
  /**
   * 'dynamic' (default): the time axis is a named dimension ('sequence') and any length runs; a
   * number fixes it (some runtimes and converters want static shapes).
   */
  sequenceLength?: 'dynamic' | number;
  /**
   * true (default): the initial state is a graph input (`h0`, and `c0` for LSTMs) and the final
   * state a graph output (`hn`, `cn`), [numLayers·numDirections, batch, hidden] as in PyTorch, so
   * a caller can stream a sequence in chunks or sample step by step. false: zero initial state, no
   * state outputs.
   */
  withState?: boolean;
  /** Element type of CharLM's `tokens` input (default 'int64', what PyTorch exports). */
  tokenType?: 'int64' | 'int32';
  /** Written into the model's doc_string. */
  docString?: string;
  /** Extra metadata_props entries (e.g. a vocabulary as JSON, so other runtimes can decode text). */
  metadata?: Record<string, string>;
}

export { IO_NAMES, MODEL_METADATA_KEY, type ModelDescription };

/**
 * Exports a model as ONNX (opset 17, IR version 8) with the standard recurrent operators:
 *
 * - each layer of a stack is one `RNN` / `LSTM` / `GRU` node (layout 0, time-major), bidirectional
 *   through `direction`; weights are converted to ONNX's gate order by `toOnnxWeights`
 *   (`@rnnkit/cells`); LSTM peepholes go to input `P`; GRU `resetAfter` is
 *   `linear_before_reset`; RNN relu/linear are the `Relu`/`Affine` activations;
 * - `Embedding` is `Gather`; a `Linear` head is `Gemm` on [batch, features] and `MatMul` + `Add`
 *   on sequences (as PyTorch exports them);
 * - batch is always dynamic ('batch'); the time axis as `options.sequenceLength` says.
 *
 * Inputs: `input` float [batch, time, features] (time-major for a layer with batchFirst false) or
 * CharLM's `tokens` [batch, time]; with state, `h0` (`c0`). Outputs: `output` (CharLM: `logits`),
 * with state `hn` (`cn`). Dropout is not exported (inference graph).
 *
 * Asynchronous: the weights are read with `await tensor.data()` (reads are asynchronous by
 * contract), so a model on a backend that cannot read synchronously (WebGPU, ONNX Runtime Web on
 * a page's main thread) exports where it is.
 */
export async function exportOnnx(
  model: ExportableModel,
  options: ExportOptions = {},
): Promise<Uint8Array> {
  return encodeModel(await exportOnnxModel(model, options));
}

/** As `exportOnnx`, resolving to the ModelProto object instead of its bytes. */
export async function exportOnnxModel(
  model: ExportableModel,
  options: ExportOptions = {},
): Promise<ModelProto> {
  const seq = options.sequenceLength ?? 'dynamic';
  if (seq !== 'dynamic' && !(Number.isInteger(seq) && seq > 0))
    throw new RnnkitError(
      `exportOnnx: sequenceLength must be 'dynamic' or a positive integer, got ${String(seq)}`,
    );
  const T: Dim = seq === 'dynamic' ? 'sequence' : seq;
  const withState = options.withState ?? true;
  if (
    !(
      model instanceof CharLM ||
      model instanceof SequenceRegressor ||
      model instanceof RecurrentLayer
    )
  )
    throw new RnnkitError(
      `exportOnnx: cannot export ${describeValue(model)}; pass an RNN, LSTM or GRU layer, a SequenceRegressor or a CharLM from @rnnkit/cells`,
    );
  onnxMapping(model instanceof RecurrentLayer ? model : model.rnn);
  // The graph is built in one synchronous pass from the weights read here, all at once.
  const host = await readWeights(model);
  const b = new GraphBuilder('rnnkit');
  let desc: ModelDescription;
  if (model instanceof CharLM) desc = exportCharLM(b, host, model, T, withState, options.tokenType);
  else if (model instanceof SequenceRegressor) desc = exportRegressor(b, host, model, T, withState);
  else desc = exportLayer(b, host, model, T, withState);
  return b.model({
    docString: options.docString,
    metadata: { ...options.metadata, [MODEL_METADATA_KEY]: JSON.stringify(desc) },
  });
}

/**
 * The ONNX operator of a layer's cell, from the cell registry. A cell that is not registered, or
 * registered without an ONNX operator, is refused by name: nothing else would say how to write it.
 */
function onnxMapping(layer: RecurrentLayer): OnnxMapping {
  const cell = layer.cell;
  if (!isRegisteredCell(cell))
    throw new RnnkitError(
      `exportOnnx: the cell '${cell.kind}' of this ${layer.constructor.name} is not registered in @rnnkit/cells, so rnnkit does not know its ONNX form; export layers built from the registered cells`,
    );
  if (!cell.onnx)
    throw new RnnkitError(
      `exportOnnx: the ${cell.title} cell ('${cell.kind}') has no standard ONNX operator (ONNX has RNN, LSTM and GRU), so rnnkit does not export it; save the weights with stateDict() instead, or train an rnn, lstm or gru model to export`,
    );
  return cell.onnx;
}

function onnxAttr(v: OnnxAttr): string | number | string[] | FloatsAttr {
  return typeof v === 'object' && !Array.isArray(v) ? new FloatsAttr(v.floats) : v;
}

function describeValue(v: unknown): string {
  if (v === null || typeof v !== 'object') return String(v);
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

// ---------------------------------------------------------------------------------------------

interface StackResult {
  /** time-major output of the top layer [T, B, D·H] */
  yTm: () => string;
  /** final states [L·D, B, H] (only when state is exported) */
  hn?: string;
  cn?: string;
  /** final hidden state of the top layer, directions concatenated: [B, D·H] */
  lastH: () => string;
}

/** A weight's values as read before the graph is built (null for a weight the model lacks). */
type Host = (t: Tensor | null | undefined) => Float32Array | null;

/** Reads every parameter of `model` with the asynchronous read, in one batch. */
async function readWeights(model: Module): Promise<Host> {
  const params = model.parameters();
  const values = await Promise.all(params.map((p) => p.data()));
  const byTensor = new Map<Tensor, Float32Array>(
    params.map((p, i) => [p, Float32Array.from(values[i] as Float32Array)]),
  );
  return (t) => {
    if (!t) return null;
    const v = byTensor.get(t);
    // every weight export writes is a parameter of the model: a miss is a bug here, not the user's
    if (!v)
      throw new RnnkitError(`exportOnnx: weight ${t.toString()} is not a parameter of the model`);
    return v;
  };
}

/** Emits one recurrent node per layer of `layer`; `xTm` is time-major [T, B, F]. */
function emitStack(
  b: GraphBuilder,
  host: Host,
  layer: RecurrentLayer,
  xTm: string,
  state: { h0?: string; c0?: string },
  wantState: boolean,
  prefix: string,
): StackResult {
  const { numLayers: L, numDirections: D, hiddenSize: H } = layer;
  const mapping = onnxMapping(layer);
  const { op } = mapping;
  const G = mapping.gateOrder.length;
  const hasC = layer.cell.states.includes('c');
  const attrs: Record<string, string | number | string[] | FloatsAttr> = {
    hidden_size: H,
    direction: D === 2 ? 'bidirectional' : 'forward',
  };
  for (const [k, v] of Object.entries(mapping.attributes(layer.stepConfig, D)))
    attrs[k] = onnxAttr(v);
  let x = xTm;
  const hs: string[] = [];
  const cs: string[] = [];
  let lastYh = '';
  let lastY = '';
  for (let l = 0; l < L; l++) {
    const dirs = [0, 1].slice(0, D).map((d) => {
      const w = layer.weights(l, d);
      return {
        weightIh: host(w.weightIh)!,
        weightHh: host(w.weightHh),
        biasIh: host(w.biasIh),
        biasHh: host(w.biasHh),
        peephole: host(w.peephole ?? null),
      };
    });
    const onnx = toOnnxWeights(layer.cell, dirs, H);
    const I = onnx.W.length / (D * G * H);
    const name = `${prefix}.l${l}`;
    const W = b.float(`${name}.W`, [D, G * H, I], onnx.W);
    const R = b.float(`${name}.R`, [D, G * H, H], onnx.R);
    const B = onnx.B ? b.float(`${name}.B`, [D, 2 * G * H], onnx.B) : '';
    const P = onnx.P ? b.float(`${name}.P`, [D, 3 * H], onnx.P) : '';
    const layerState = (s: string | undefined) => {
      if (!s) return '';
      if (L === 1) return s;
      const [starts, ends, axes] = [
        b.int64(`${name}.state_start`, [l * D]),
        b.int64(`${name}.state_end`, [(l + 1) * D]),
        b.int64(`${name}.state_axes`, [0]),
      ];
      return b.op('Slice', [s, starts, ends, axes], undefined, `${prefix}/Slice_state_l${l}`);
    };
    const inputs = [x, W, R, B, '', layerState(state.h0)];
    if (hasC) inputs.push(layerState(state.c0), P);
    const outs = b.node(op, inputs, {
      name: `${prefix}/${op}_l${l}`,
      outputs: hasC ? 3 : 2,
      attrs,
    });
    hs.push(outs[1]);
    if (hasC) cs.push(outs[2]);
    lastYh = outs[1];
    lastY = outs[0];
    if (l < L - 1) x = mergeDirections(b, outs[0], D, name);
  }
  const cat = (xs: string[]) => (xs.length === 1 ? xs[0] : b.op('Concat', xs, { axis: 0 }));
  return {
    // emitted only when used, so the graph has no dead nodes
    yTm: () => mergeDirections(b, lastY, D, `${prefix}.l${L - 1}`),
    lastH: () => {
      // last layer's Y_h [D, B, H] → [B, D·H], directions concatenated as rnnkit and PyTorch do
      if (D === 1) return b.op('Squeeze', [lastYh, b.int64(`${prefix}.lastH_axes`, [0])]);
      const t = b.op('Transpose', [lastYh], { perm: [1, 0, 2] });
      return b.op('Reshape', [t, b.int64(`${prefix}.lastH_shape`, [0, -1])]);
    },
    hn: wantState ? cat(hs) : undefined,
    cn: wantState && hasC ? cat(cs) : undefined,
  };
}

/** Y [T, D, B, H] → [T, B, D·H] (the next layer's input, or the sequence output). */
function mergeDirections(b: GraphBuilder, y: string, D: number, name: string): string {
  if (D === 1) return b.op('Squeeze', [y, b.int64(`${name}.squeeze_axes`, [1])]);
  const t = b.op('Transpose', [y], { perm: [0, 2, 1, 3] });
  return b.op('Reshape', [t, b.int64(`${name}.merge_dirs`, [0, 0, -1])]);
}

function stateIO(
  b: GraphBuilder,
  layer: RecurrentLayer,
  withState: boolean,
): { h0?: string; c0?: string } {
  if (!withState) return {};
  const shape = [layer.numLayers * layer.numDirections, 'batch', layer.hiddenSize];
  const h0 = b.input(IO_NAMES.h0, DataType.FLOAT, shape);
  const c0 = layer.cell.states.includes('c')
    ? b.input(IO_NAMES.c0, DataType.FLOAT, shape)
    : undefined;
  return { h0, c0 };
}

function stateOutputs(b: GraphBuilder, layer: RecurrentLayer, r: StackResult): void {
  const shape = [layer.numLayers * layer.numDirections, 'batch', layer.hiddenSize];
  if (r.hn) b.output(IO_NAMES.hn, DataType.FLOAT, shape, r.hn);
  if (r.cn) b.output(IO_NAMES.cn, DataType.FLOAT, shape, r.cn);
}

/** Linear on [B, F] as Gemm, on [.., F] as MatMul (+ Add), as PyTorch exports nn.Linear. */
function emitLinear(
  b: GraphBuilder,
  host: Host,
  lin: Linear,
  x: string,
  rank: number,
  prefix: string,
): string {
  const w = host(lin.weight)!;
  const bias = host(lin.bias);
  const [O, I] = [lin.outFeatures, lin.inFeatures];
  if (rank === 2) {
    const W = b.float(`${prefix}.weight`, [O, I], w);
    const ins = [x, W];
    if (bias) ins.push(b.float(`${prefix}.bias`, [O], bias));
    return b.op('Gemm', ins, { transB: 1 }, `${prefix}/Gemm`);
  }
  const wt = new Float32Array(I * O);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) wt[i * O + o] = w[o * I + i];
  const y = b.op(
    'MatMul',
    [x, b.float(`${prefix}.weight_t`, [I, O], wt)],
    undefined,
    `${prefix}/MatMul`,
  );
  if (!bias) return y;
  return b.op('Add', [y, b.float(`${prefix}.bias`, [O], bias)], undefined, `${prefix}/Add`);
}

function cellName(layer: RecurrentLayer): CellName {
  return cellChoiceName(layer.cell, layer.cellSettings);
}

function layerOptions(layer: RecurrentLayer): Record<string, unknown> {
  const o: Record<string, unknown> = {
    inputSize: layer.inputSize,
    hiddenSize: layer.hiddenSize,
    numLayers: layer.numLayers,
    bias: layer.bias,
    bidirectional: layer.bidirectional,
  };
  if (layer instanceof RNN) o.nonlinearity = layer.nonlinearity;
  if (layer instanceof GRU) o.resetAfter = layer.resetAfter;
  return o;
}

function exportLayer(
  b: GraphBuilder,
  host: Host,
  layer: RecurrentLayer,
  T: Dim,
  withState: boolean,
): ModelDescription {
  const F = layer.inputSize;
  const x = b.input(
    IO_NAMES.input,
    DataType.FLOAT,
    layer.batchFirst ? ['batch', T, F] : [T, 'batch', F],
  );
  const s = stateIO(b, layer, withState);
  const xTm = layer.batchFirst ? b.op('Transpose', [x], { perm: [1, 0, 2] }) : x;
  const r = emitStack(b, host, layer, xTm, s, withState, 'rnn');
  const DH = layer.hiddenSize * layer.numDirections;
  if (!layer.returnSequences) b.output(IO_NAMES.output, DataType.FLOAT, ['batch', DH], r.lastH());
  else if (layer.batchFirst) {
    const y = b.op('Transpose', [r.yTm()], { perm: [1, 0, 2] });
    b.output(IO_NAMES.output, DataType.FLOAT, ['batch', T, DH], y);
  } else b.output(IO_NAMES.output, DataType.FLOAT, [T, 'batch', DH], r.yTm());
  stateOutputs(b, layer, r);
  const type = onnxMapping(layer).op;
  const options = {
    ...layerOptions(layer),
    batchFirst: layer.batchFirst,
    returnSequences: layer.returnSequences,
  };
  if (type === 'LSTM') Object.assign(options, { peephole: layer.cellSettings.peephole ?? false });
  return { type, options };
}

function exportRegressor(
  b: GraphBuilder,
  host: Host,
  m: SequenceRegressor,
  T: Dim,
  withState: boolean,
): ModelDescription {
  const layer = m.rnn;
  const x = b.input(IO_NAMES.input, DataType.FLOAT, ['batch', T, layer.inputSize]);
  const s = stateIO(b, layer, withState);
  const xTm = b.op('Transpose', [x], { perm: [1, 0, 2] });
  const r = emitStack(b, host, layer, xTm, s, withState, 'rnn');
  const O = m.head.outFeatures;
  if (m.headMode === 'last') {
    b.output(
      IO_NAMES.output,
      DataType.FLOAT,
      ['batch', O],
      emitLinear(b, host, m.head, r.lastH(), 2, 'head'),
    );
  } else {
    const y = b.op('Transpose', [r.yTm()], { perm: [1, 0, 2] });
    b.output(
      IO_NAMES.output,
      DataType.FLOAT,
      ['batch', T, O],
      emitLinear(b, host, m.head, y, 3, 'head'),
    );
  }
  stateOutputs(b, layer, r);
  const { inputSize, hiddenSize, numLayers, bias, bidirectional, ...rest } = layerOptions(layer);
  return {
    type: 'SequenceRegressor',
    options: {
      cell: cellName(layer),
      inputSize,
      hiddenSize,
      numLayers,
      bias,
      bidirectional,
      ...rest,
      outputSize: O,
      head: m.headMode,
    },
  };
}

function exportCharLM(
  b: GraphBuilder,
  host: Host,
  m: CharLM,
  T: Dim,
  withState: boolean,
  tokenType: 'int64' | 'int32' = 'int64',
): ModelDescription {
  if (tokenType !== 'int64' && tokenType !== 'int32')
    throw new RnnkitError(
      `exportOnnx: tokenType must be 'int64' or 'int32', got ${String(tokenType)}`,
    );
  const layer = m.rnn;
  const tokens = b.input(IO_NAMES.tokens, tokenType === 'int64' ? DataType.INT64 : DataType.INT32, [
    'batch',
    T,
  ]);
  const s = stateIO(b, layer, withState);
  const E = m.embedding.embeddingDim;
  const V = m.embedding.numEmbeddings;
  const table = b.float('embedding.weight', [V, E], host(m.embedding.weight)!);
  const tTm = b.op('Transpose', [tokens], { perm: [1, 0] });
  const xTm = b.op('Gather', [table, tTm], { axis: 0 }, 'embedding/Gather');
  const r = emitStack(b, host, layer, xTm, s, withState, 'rnn');
  const y = b.op('Transpose', [r.yTm()], { perm: [1, 0, 2] });
  const logits = emitLinear(b, host, m.head, y, 3, 'head');
  b.output(IO_NAMES.logits, DataType.FLOAT, ['batch', T, m.vocabSize], logits);
  stateOutputs(b, layer, r);
  const { inputSize: _i, bidirectional: _b, ...rest } = layerOptions(layer);
  return {
    type: 'CharLM',
    options: { cell: cellName(layer), vocabSize: V, embeddingDim: E, ...rest },
  };
}
