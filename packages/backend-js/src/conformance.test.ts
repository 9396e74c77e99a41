import { runConformance } from '@rnnkit/backend-conformance';
import { createJsBackend } from './index.js';

// The JS backend is the reference: it must pass the whole suite at the default tolerance.
runConformance({ name: 'js', create: createJsBackend });
