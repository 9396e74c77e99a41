import { playwright } from '@vitest/browser-playwright';
import { defineConfig, mergeConfig } from 'vitest/config';
import { chromiumConfig } from '../../tooling/vitest-chromium.js';

// The browser runtime (onnx-wasm, onnx-webgpu) in headless Chromium (tooling/vitest-chromium.ts).
// onnxruntime-web finds its .wasm files beside its own script, so Vite serves it as it is
// instead of pre-bundling it elsewhere.
export default mergeConfig(
  defineConfig(chromiumConfig(playwright, ['src/**/*.browser.test.ts'])),
  defineConfig({ optimizeDeps: { exclude: ['onnxruntime-web'] } }),
);
