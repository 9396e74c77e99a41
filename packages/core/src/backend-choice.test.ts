import '@rnnkit/backend-js';
import { createJsBackend } from '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { chooseBackend, describeBackendChoice } from './backend-choice.js';
import { registerBackend } from './registry.js';

// Real failures: '@rnnkit/backend-absent' is not installed here (the import fails as in an app
// without it), and 'broken' is registered with a runtime that fails to start.
const app = (pkg: string) => import(pkg);
registerBackend('broken', () => {
  throw new Error('its runtime is not installed: npm install broken-runtime');
});
registerBackend('quick', () => createJsBackend());

describe("chooseBackend ('auto' and named backends)", () => {
  it("'auto' takes the first preferred backend that starts and says so", async () => {
    const c = await chooseBackend('auto', ['quick', 'js'], app);
    expect(c.name).toBe('quick');
    expect(c.backend.name).toBe('js');
    expect(describeBackendChoice(c)).toBe(
      'backend: quick (auto: the first of quick, js that starts here; --backend js to choose another)',
    );
  });

  it("'auto' passes over a missing package and a failing runtime, naming why", async () => {
    const c = await chooseBackend('auto', ['absent', 'broken', 'js'], app);
    expect(c.name).toBe('js');
    expect(c.skipped).toEqual([
      { name: 'absent', why: '@rnnkit/backend-absent is not installed' },
      { name: 'broken', why: 'its runtime is not installed: npm install broken-runtime' },
    ]);
    expect(describeBackendChoice(c)).toBe(
      'backend: js (auto: absent unavailable: @rnnkit/backend-absent is not installed; broken unavailable: its runtime is not installed: npm install broken-runtime; the first of absent, broken, js that starts here; --backend <name> to choose another)',
    );
  });

  it('a named backend loads as loadBackend does: its errors are not passed over', async () => {
    const c = await chooseBackend('js', ['quick', 'js'], app);
    expect(c.auto).toBe(false);
    expect(describeBackendChoice(c)).toBe('backend: js (--backend js)');
    await expect(chooseBackend('broken', ['js'], app)).rejects.toThrow(
      /backend 'broken' failed to start/,
    );
    await expect(chooseBackend('absent', ['js'], app)).rejects.toThrow(
      /npm install @rnnkit\/backend-absent/,
    );
  });

  it("'auto' with nothing that starts lists every reason", async () => {
    await expect(chooseBackend('auto', ['absent', 'broken'], app)).rejects.toThrow(
      /none of absent, broken starts here \(absent: @rnnkit\/backend-absent is not installed; broken: its runtime/,
    );
  });
});
