import { describe, expect, it } from 'vitest';
import * as node from './index.js';
import * as portable from './portable.js';

// What only the Node entry has: checkpoint files, run locks, stale temporaries, file-system errors,
// the terminal progress bar and the CLI apps' backend choice (appBackends).
const NODE_ONLY = [
  'AUTO_BACKENDS',
  'OPTIONAL_BACKEND_PACKAGES',
  'appBackends',
  'FileSystemError',
  'LOCK_FILE',
  'RunLockedError',
  'acquireRunLock',
  'assertRunLockHeld',
  'barReporter',
  'fsCause',
  'interactive',
  'loadCheckpoint',
  'makeFolder',
  'removeStaleTemporaries',
  'saveCheckpoint',
  'taskBar',
  'temporaryPath',
];

describe('the portable entry', () => {
  it('exports everything the Node entry does but files and the terminal, the same objects', () => {
    expect(Object.keys(portable).sort()).toEqual(
      Object.keys(node)
        .filter((k) => !NODE_ONLY.includes(k))
        .sort(),
    );
    const all: Record<string, unknown> = { ...node };
    for (const [k, v] of Object.entries(portable)) expect(v).toBe(all[k]);
  });
});
