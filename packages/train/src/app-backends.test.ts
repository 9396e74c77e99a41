import '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { AUTO_BACKENDS, appBackends } from './app-backends.js';

// From this package's folder @rnnkit/backend-tfjs and @rnnkit/backend-onnx are not installed (they
// are neither dependencies nor dev dependencies of @rnnkit/train), so the importer below meets
// the missing optional backends an app installed without them meets.
const importer = (pkg: string) => import(pkg);

describe('appBackends', () => {
  it('lists the registered backends and what to install for the missing ones', async () => {
    const b = await appBackends(importer);
    expect(b.choices).toMatch(/^js\b/);
    expect(b.choices).toContain(
      '; more with npm install @rnnkit/backend-tfjs @rnnkit/backend-onnx',
    );
    expect(b.help).toBe(
      `tensor backend: auto (the first of onnx, tfjs-wasm, js that starts here) or one of ${b.choices}`,
    );
    expect(AUTO_BACKENDS).toEqual(['onnx', 'tfjs-wasm', 'js']);
  });

  it('auto passes over the missing packages to js, and says why', async () => {
    const b = await appBackends(importer);
    const r = await b.start('auto');
    expect(r.name).toBe('js');
    expect(r.line).toBe(
      'backend: js (auto: onnx unavailable: @rnnkit/backend-onnx is not installed; tfjs-wasm unavailable: @rnnkit/backend-tfjs is not installed; the first of onnx, tfjs-wasm, js that starts here; --backend <name> to choose another)',
    );
  });

  it('a named backend starts as asked, and a missing one names its package', async () => {
    const b = await appBackends(importer);
    expect(await b.start('js')).toEqual({ name: 'js', line: 'backend: js (--backend js)' });
    await expect(b.start('onnx')).rejects.toThrow(/npm install @rnnkit\/backend-onnx/);
  });
});
