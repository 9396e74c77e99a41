import { runConformance } from '@rnnkit/backend-conformance';
import { createWebOnnxBackend } from './web.js';

// The whole conformance suite on ONNX Runtime Web's WebAssembly provider, in a real Chromium page
// (vitest.browser.config.ts), at the tolerance the Node backend passes it with.
runConformance({ name: 'onnx-wasm', create: () => createWebOnnxBackend('onnx-wasm') });
