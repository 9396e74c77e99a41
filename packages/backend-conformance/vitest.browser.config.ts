import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumConfig } from '../../tooling/vitest-chromium.js';

// The conformance suite on the JS backend in headless Chromium (see tooling/vitest-chromium.ts).
export default defineConfig(chromiumConfig(playwright, ['src/**/*.browser.test.ts']));
