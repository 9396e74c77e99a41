import { createOnnxBackend } from '@rnnkit/backend-onnx';
import { registerBackend, useBackend, tensor, gather, compile, sum } from '@rnnkit/core';
registerBackend('o', () => createOnnxBackend('onnx', { worker: process.argv[2] === '1' }), { priority: 1 });
useBackend('o');
const t = tensor([1, 2, 3, 4], [2, 2]);
const i = tensor(Int32Array.from([0, 5]), [2], 'int32');
try { const r = compile(() => sum(gather(t, i)))(); console.log(r.item()); } catch (e) { console.log('ERR sync:', e.message.slice(0, 60)); }
process.exit(0);
