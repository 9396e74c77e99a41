import { compileRecurrent } from '../import-recurrent.js';
import type { OpContext, OpFamily } from './context.js';

const recurrent = (c: OpContext) =>
  compileRecurrent(c.model, c.n, c.attrs, c.constants, c.who, c.get, c.set);

/** RNN, LSTM and GRU nodes become rnnkit layers (see import-recurrent.ts). */
export const recurrentOps = {
  RNN: recurrent,
  LSTM: recurrent,
  GRU: recurrent,
} satisfies OpFamily;
