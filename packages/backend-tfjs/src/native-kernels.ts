import * as tf from '@tensorflow/tfjs-core';

// The host kernels' work in stock tfjs ops, for a tfjs backend whose tensors the host cannot
// reach (webgl keeps them in GPU textures, so a kernel written on typed arrays cannot run
// there). Same results as the host kernels, except that out-of-range indices are not reported.

export function nativeSlice(x: tf.Tensor, begin: readonly number[], size: readonly number[]) {
  return tf.slice(x, [...begin], [...size]);
}

export function nativeGatherRows(table: tf.Tensor, indices: tf.Tensor) {
  return tf.gather(table, indices);
}

export function nativeSplitCols(x: tf.Tensor, n: number): tf.Tensor[] {
  return tf.split(x, n, 1);
}

/** One-hot float32 rows: tf.oneHot needs depth ≥ 2, so compare against a range instead. */
export function nativeOneHot(indices: tf.Tensor, depth: number) {
  const range = tf.reshape(tf.range(0, depth, 1, 'int32'), [1, depth]);
  return tf.cast(tf.equal(tf.reshape(indices, [-1, 1]), range), 'float32');
}

/** x[i, labels[i]]: a gather from the flattened x at i·C + labels[i]. */
export function nativePick(x: tf.Tensor, labels: tf.Tensor) {
  const [n, c] = x.shape;
  const at = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(c, 'int32')), labels);
  return tf.gather(tf.reshape(x, [-1]), at);
}

export function nativeTanhGrad(y: tf.Tensor, dy: tf.Tensor) {
  return tf.mul(dy, tf.sub(tf.scalar(1), tf.square(y)));
}

export function nativeUnstack(x: tf.Tensor): tf.Tensor[] {
  return tf.unstack(x);
}

export function nativeStack(xs: readonly tf.Tensor[]): tf.Tensor {
  return tf.stack([...xs]);
}
