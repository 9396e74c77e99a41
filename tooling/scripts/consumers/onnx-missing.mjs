// @rnnkit/backend-onnx without onnxruntime-node (argv[2]: 'missing'), or with an
// onnxruntime-node whose binding.js has another shape ('incompatible'): setBackend('onnx') must
// fail with an error naming the supported peer range.
import '@rnnkit/backend-onnx';
import { setBackend } from '@rnnkit/core';

const range = process.argv[3];
const err = await setBackend('onnx').then(
  () => null,
  (e) => e,
);
const text = `${err?.message} ${err?.cause?.message ?? ''}`;
if (!text.includes(`onnxruntime-node@${range}`)) {
  console.error(
    `FAILED (${process.argv[2]}): expected an error naming onnxruntime-node@${range}, got`,
    err,
  );
  process.exit(1);
}
console.log(`backend-onnx, onnxruntime-node ${process.argv[2]}: ${err.message.split(': npm')[0]}`);
