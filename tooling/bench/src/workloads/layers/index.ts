import type { Workload } from '../../harness.js';
import { layersCharGruB1, layersCharLstm } from './char-lm.js';
import { layersGenerate } from './generate.js';
import { layersSineRnn } from './sine-rnn.js';

/**
 * The tfjs-layers peers of the rnnkit workloads, by the name of the workload they mirror: the
 * `tfjs-layers-wasm` / `tfjs-layers-cpu` backends run these (workloads without a peer —
 * `matmul`, `char-lstm-composed` — are skipped there).
 */
export const layersWorkloads: ReadonlyMap<string, Workload> = new Map(
  [layersSineRnn, layersCharLstm, layersGenerate, layersCharGruB1].map((w) => [w.name, w]),
);
