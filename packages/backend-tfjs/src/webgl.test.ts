import { listBackends, setBackend } from '@rnnkit/core';
import { describe, expect, it } from 'vitest';
import './index.js';

// Node.js has no WebGL context: 'tfjs-webgl' is registered (so help texts list it) but refuses
// to start, saying why and what to use instead. The page test of apps/playground runs it for
// real in Chromium.
describe('tfjs-webgl in Node', () => {
  it('is registered', () => {
    expect(listBackends()).toContain('tfjs-webgl');
  });

  it('is refused with a message naming the missing WebGL context and the alternatives', async () => {
    const err = (await setBackend('tfjs-webgl').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toContain('tfjs-webgl needs a WebGL context');
    expect(err.message).toContain('no OffscreenCanvas and no document');
    expect(err.message).toContain("use 'tfjs-wasm' or 'tfjs-cpu'");
  });
});
