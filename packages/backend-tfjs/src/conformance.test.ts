import { runConformance } from '@rnnkit/backend-conformance';
import { createTfjsBackend } from './index.js';

// Both tfjs backends compute in float32 like the JS reference: the default tolerance holds.
runConformance({ name: 'tfjs-cpu', create: () => createTfjsBackend('tfjs-cpu') });
runConformance({ name: 'tfjs-wasm', create: () => createTfjsBackend('tfjs-wasm') });
