import { createJsBackend } from '@rnnkit/backend-js';
import { runConformance } from './index.js';

// The whole suite on the JS backend in a real Chromium page (vitest.browser.config.ts): proves
// that the suite, its fixtures included, runs in a browser as it does in Node.
runConformance({ name: 'js', create: createJsBackend });
