import { createJsBackend } from '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import {
  getBackend,
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
});
