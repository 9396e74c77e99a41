import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumConfig } from '../../tooling/vitest-chromium.js';

// tfjs-wasm and tfjs-webgl in headless Chromium (tooling/vitest-chromium.ts; WebGL on SwiftShader
// there): the whole conformance suite on each, through the package's browser entry.
export default defineConfig(chromiumConfig(playwright, ['src/**/*.browser.test.ts']));
