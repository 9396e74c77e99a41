import { runConformance } from '@rnnkit/backend-conformance';
import { createOnnxBackend } from './index.js';

// ONNX Runtime's CPU kernels compute in float32 like the JS reference: the default tolerance holds.
runConformance({ name: 'onnx', create: () => createOnnxBackend('onnx') });
