import type { Workload } from '../harness.js';
import { charGruB1Workload } from './char-gru-b1.js';
import { charLstmComposedWorkload, charLstmWorkload } from './char-lstm.js';
import { charMinWorkload } from './char-min.js';
import { generateWorkload } from './generate.js';
import { matmulWorkload } from './matmul.js';
import { sineRnnWorkload } from './sine-rnn.js';

/** Every named workload, in the order `rnnkit-bench` runs them. */
export const workloads: Workload[] = [
  matmulWorkload,
  sineRnnWorkload,
  charLstmWorkload,
  charLstmComposedWorkload,
  generateWorkload,
  charGruB1Workload,
  charMinWorkload,
];
