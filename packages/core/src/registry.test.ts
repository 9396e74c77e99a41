import { createJsBackend } from '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import {
  describeBackendChoices,
  getBackend,
  importBackendPackages,
  knownBackends,
  listBackends,
  loadBackend,
  registerBackend,
  setBackend,
  useBackend,
} from './registry.js';

describe('backend registry', () => {
  it('selects the highest-priority synchronous backend by default', () => {
    expect(listBackends()).toContain('js');
    expect(getBackend().name).toBe('js');
  });

  it('names the package to install for a known but unregistered backend', async () => {
    await expect(setBackend('tfjs-wasm')).rejects.toThrow(/install @rnnkit\/backend-tfjs/);
    expect(() => useBackend('onnx-cuda')).toThrow(/@rnnkit\/backend-onnx/);
    expect(() => useBackend('nope')).toThrow(/unknown backend 'nope'.*registered backends: .*js/);
  });

  it('starts async backends with setBackend and refuses them in useBackend', async () => {
    registerBackend('slow-js', async () => createJsBackend(), { priority: -1 });
    expect(() => useBackend('slow-js')).toThrow(/await setBackend\("slow-js"\)/);
    const b = await setBackend('slow-js');
    expect(getBackend()).toBe(b);
    expect(useBackend('slow-js')).toBe(b);
    useBackend('js');
  });

  it('reports a factory failure with the backend name', async () => {
    registerBackend('broken', () => {
      throw new Error('native library missing');
    });
    await expect(setBackend('broken')).rejects.toThrow(
      /backend 'broken' failed to start: native library missing/,
    );
  });

  it('loadBackend imports the providing package through the app, once, then selects it', async () => {
    const asked: string[] = [];
    const importer = async (pkg: string) => {
      asked.push(pkg);
      registerBackend('tfjs-cpu', () => {
        const js = createJsBackend();
        return Object.assign(Object.create(js), { name: 'tfjs-cpu' }) as typeof js;
      });
    };
    const b = await loadBackend('tfjs-cpu', importer);
    expect(b.name).toBe('tfjs-cpu');
    expect(asked).toEqual(['@rnnkit/backend-tfjs']);
    await loadBackend('tfjs-cpu', importer); // registered now: no second import
    expect(asked).toHaveLength(1);
    await setBackend('js');
  });

  it('a backend core has never heard of: named with its package when missing, loaded when present', async () => {
    // Not installed: the import really fails, and the error names the package by the naming rule.
    await expect(loadBackend('acme-gpu', (pkg) => import(pkg))).rejects.toThrow(
      "unknown backend 'acme-gpu': no imported package registered it, and by rnnkit's naming rule backend 'acme-gpu' needs the package @rnnkit/backend-acme: install it next to this app (npm install @rnnkit/backend-acme); registered backends:",
    );
    expect(() => useBackend('acme-gpu')).toThrow(
      /install @rnnkit\/backend-acme and import it once \(import '@rnnkit\/backend-acme'\)/,
    );
    // Installed (the app resolves it to the fixture package): importing it registers the name.
    const asked: string[] = [];
    const app = (pkg: string) => {
      asked.push(pkg);
      return pkg === '@rnnkit/backend-acme' ? import('../fixtures/backend-acme.js') : import(pkg);
    };
    const b = await loadBackend('acme-gpu', app);
    expect(b.name).toBe('acme-gpu');
    expect(asked).toEqual(['@rnnkit/backend-acme']);
    expect(knownBackends()).toContain('acme-gpu');
    expect(knownBackends()[0]).toBe('js'); // in the order packages registered them
    // An installed package that registers no such name says so instead of asking to install it.
    await expect(loadBackend('js-gpu', app)).rejects.toThrow(
      "unknown backend 'js-gpu': @rnnkit/backend-js is installed but registers no backend of this name",
    );
    await setBackend('js');
  });

  it('loadBackend names the package when the app does not have it', async () => {
    const missing = async () => {
      throw Object.assign(new Error("Cannot find package '@rnnkit/backend-onnx'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    await expect(loadBackend('onnx', missing)).rejects.toThrow(
      /backend 'onnx' needs the package @rnnkit\/backend-onnx: install it/,
    );
  });

  it('importBackendPackages imports what is installed and returns what is not', async () => {
    const imported: string[] = [];
    const importer = async (pkg: string) => {
      if (pkg === '@rnnkit/backend-zz')
        throw Object.assign(new Error(`Cannot find package '${pkg}' imported from /app`), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      if (pkg === '@rnnkit/backend-broken')
        throw Object.assign(new Error("Cannot find package 'its-own-dependency'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        });
      imported.push(pkg);
    };
    expect(
      await importBackendPackages(['@rnnkit/backend-zz', '@rnnkit/backend-js'], importer),
    ).toEqual(['@rnnkit/backend-zz']);
    expect(imported).toEqual(['@rnnkit/backend-js']);
    // an installed package whose own import fails is a real error, not a missing package
    await expect(importBackendPackages(['@rnnkit/backend-broken'], importer)).rejects.toThrow(
      'its-own-dependency',
    );
  });

  it('describeBackendChoices lists the registered names and what to install for the rest', async () => {
    const notInstalled = async (pkg: string) => {
      throw Object.assign(new Error(`Cannot find package '${pkg}' imported from /app`), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    };
    const names = knownBackends().join(', ');
    expect(names).toMatch(/^js\b/);
    expect(
      await describeBackendChoices(['@rnnkit/backend-zz', '@rnnkit/backend-yy'], notInstalled),
    ).toBe(`${names}; more with npm install @rnnkit/backend-zz @rnnkit/backend-yy`);
    // an installed package registers its names, which the line then lists; nothing to install
    const installed = async () => {
      registerBackend('zz-cpu', () => createJsBackend(), { priority: -1 });
    };
    expect(await describeBackendChoices(['@rnnkit/backend-zz'], installed)).toBe(
      `${names}, zz-cpu`,
    );
  });
});
