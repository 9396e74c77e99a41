import { createJsBackend } from '@rnnkit/backend-js';
import { describe, expect, it } from 'vitest';
import { getBackend, listBackends, registerBackend, setBackend, useBackend } from './registry.js';

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
});
