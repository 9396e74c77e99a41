import { createJsBackend } from '@rnnkit/backend-js';
import { runConformance } from './index.js';

// The JS backend is the reference: it must pass the whole suite at the default tolerance. It runs
// here rather than in backend-js so the workspace has no dependency cycle (this suite uses cells,
// whose tests use backend-js); other backends call runConformance from their own packages.
runConformance({ name: 'js', create: createJsBackend });
