import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// #trainer-io (package.json "imports") points into dist; the tests run the Node version from
// source, so there is one copy of checkpoint.ts, run-lock.ts and progress.ts in the test process.
export default defineConfig({
  resolve: {
    alias: {
      '#trainer-io': fileURLToPath(new URL('./src/trainer-io.ts', import.meta.url)),
    },
  },
  test: {
    projects: [
      { extends: true, test: { name: 'js' } },
      {
        // The Trainer (evaluation, clipping, checkpoints, resume) and every optimizer's state
        // again on a backend without synchronous reads: reads are asynchronous by contract.
        extends: true,
        test: {
          name: 'js-async-reads',
          include: [
            'src/validation.test.ts',
            'src/trainer-clip.test.ts',
            'src/trainer-resume.test.ts',
            'src/checkpoint.test.ts',
            'src/nan-guard.test.ts',
            'src/nan-batch.test.ts',
            'src/tbptt.test.ts',
            'src/optim/optimizers.test.ts',
          ],
          setupFiles: ['./src/test-utils/no-sync-reads.ts'],
        },
      },
    ],
  },
});
