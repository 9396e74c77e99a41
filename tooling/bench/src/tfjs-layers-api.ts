import type * as Tf from '@tensorflow/tfjs';

// What the tfjs-layers peer workloads need from TensorFlow.js, in Node and in a browser alike:
// the module (`@tensorflow/tfjs`), handed to them by the runner that made its backend active
// (tfjs-layers.ts in Node, the browser bench's worker in a page).

export type TfModule = typeof Tf;

/** Live TensorFlow.js tensors (a tfjs-layers workload reports the change: > 0 is growth). */
export function tfTensors(tf: TfModule): number {
  return tf.memory().numTensors;
}
