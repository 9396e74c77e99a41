import { runConformance } from '@rnnkit/backend-conformance';
import { createWebOnnxBackend } from './web.js';

// The whole conformance suite on ONNX Runtime Web's WebGPU provider, in a real Chromium page
// (vitest.browser.config.ts; WebGPU on SwiftShader there), at the tolerance the Node backend
// passes it with.
runConformance({ name: 'onnx-webgpu', create: () => createWebOnnxBackend('onnx-webgpu') });
