import { runConformance } from '@rnnkit/backend-conformance';
import './test-utils/tfjs-wasm-paths.js';
import { createTfjsBackend } from './browser.js';

// The whole conformance suite on tfjs-wasm in a real Chromium page (vitest.browser.config.ts),
// through the browser entry, at the tolerance it passes in Node.
runConformance({ name: 'tfjs-wasm', create: () => createTfjsBackend('tfjs-wasm') });
