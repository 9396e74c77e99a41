import { createJsBackend } from '@rnnkit/backend-js';
import type { Backend } from '@rnnkit/core';
import { runConformance } from './index.js';

// The fused optimizer kernels are optional: the JS backend without them passes the whole suite,
// its optimizers running their core-ops definitions.
runConformance({
  name: 'js-no-optimizer-kernels',
  create: () => {
    const be: Backend = createJsBackend();
    return Object.assign(Object.create(be) as Backend, {
      name: 'js-no-optimizer-kernels',
      sgdUpdate: undefined,
      adamUpdate: undefined,
      rmspropUpdate: undefined,
    });
  },
});
