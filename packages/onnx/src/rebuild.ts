import {
  CharLM,
  cellForOnnxOp,
  type Linear,
  type RecurrentLayer,
  SequenceRegressor,
} from '@rnnkit/cells';
import {
  type Backend,
  getBackend,
  type Parameter,
  Rng,
  RnnkitError,
  transpose,
} from '@rnnkit/core';
import type { ModelDescription } from './export.js';
import type { OnnxModel } from './import.js';

export type RnnkitModel = RecurrentLayer | SequenceRegressor | CharLM;

/** Builds an (untrained) rnnkit model from the description `exportOnnx` stores in metadata. */
export function buildModel(desc: ModelDescription, backend: Backend = getBackend()): RnnkitModel {
  const o = { ...desc.options, backend, rng: new Rng(0) } as never;
  // a bare layer is stored under its cell's ONNX operator name (RNN, LSTM, GRU)
  const cell = cellForOnnxOp(desc.type);
  if (cell) return cell.make(o);
  switch (desc.type) {
    case 'SequenceRegressor':
      return new SequenceRegressor(o);
    case 'CharLM':
      return new CharLM(o);
    default:
      throw new RnnkitError(
        `unknown rnnkit model type '${String((desc as { type: unknown }).type)}'; expected RNN, LSTM, GRU, SequenceRegressor or CharLM`,
      );
  }
}

/**
 * The rnnkit model (RNN/LSTM/GRU layer, SequenceRegressor or CharLM) that an `exportOnnx` file was
 * made from, rebuilt from its `rnnkit.model` metadata with the imported weights: continue training
 * it, or sample with `CharLM.step`. Graphs from other producers have no such description; run them
 * as `OnnxModel`s.
 */
export function toRnnkitModel(m: OnnxModel): RnnkitModel {
  const desc = m.description;
  if (!desc)
    throw new RnnkitError(
      `toRnnkitModel: this model was not exported by rnnkit (no rnnkit.model metadata; producer '${m.producer || 'unknown'}'); run it with OnnxModel.run instead`,
    );
  const model = buildModel(desc, m.backend);
  const layer = model instanceof CharLM || model instanceof SequenceRegressor ? model.rnn : model;
  if (m.layers.length !== layer.numLayers)
    throw new RnnkitError(
      `toRnnkitModel: the graph has ${m.layers.length} recurrent operators for ${layer.numLayers} layer(s)`,
    );
  const own = new Map(layer.namedParameters());
  m.layers.forEach((src, l) => {
    for (const [name, p] of src.namedParameters()) {
      const target = own.get(name.replace('L0', `L${l}`));
      if (!target) throw new RnnkitError(`toRnnkitModel: no parameter for layer ${l} ${name}`);
      target.assign(p);
    }
  });
  const inits = new Map(m.initializers.namedParameters());
  const need = (name: string): Parameter => {
    const p = inits.get(name);
    if (!p) throw new RnnkitError(`toRnnkitModel: the graph has no initializer '${name}'`);
    return p;
  };
  const head = (lin: Linear) => {
    lin.weight.assign(
      inits.has('head.weight') ? need('head.weight') : transpose(need('head.weight_t'), [1, 0]),
    );
    if (lin.bias) lin.bias.assign(need('head.bias'));
  };
  if (model instanceof CharLM) {
    model.embedding.weight.assign(need('embedding.weight'));
    head(model.head);
  } else if (model instanceof SequenceRegressor) head(model.head);
  return model.eval();
}
