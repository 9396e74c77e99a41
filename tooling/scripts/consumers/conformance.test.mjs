// @rnnkit/backend-conformance from its tarball, run by vitest in a project of its own on the JS
// backend, as a third-party backend's package would run it on its backend.
import { runConformance } from '@rnnkit/backend-conformance';
import { createJsBackend } from '@rnnkit/backend-js';

runConformance({ name: 'js-from-tarball', create: createJsBackend });
