import { setGradHooks } from '../tape.js';
import { onesLike, zerosLike } from './creation.js';
import { add } from './elementwise.js';
import { concat } from './layout.js';
import { matmul } from './matmul.js';

setGradHooks({ add, concat, matmul, onesLike, zerosLike });

export * from './creation.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './gather.js';
export * from './layout.js';
export * from './matmul.js';
export * from './recurrent.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './update.js';
