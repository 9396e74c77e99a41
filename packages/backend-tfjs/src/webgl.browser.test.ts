import { runConformance } from '@rnnkit/backend-conformance';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsBackend } from './browser.js';

// The whole conformance suite on tfjs-webgl in a real Chromium page (vitest.browser.config.ts;
// WebGL on SwiftShader, headless).
runConformance({ name: 'tfjs-webgl', create: () => createTfjsBackend('tfjs-webgl') });

describe('tfjs-webgl in headless Chromium', () => {
  it('runs on a WebGL2 context with float32 render targets', async () => {
    await createTfjsBackend('tfjs-webgl');
    expect(tf.getBackend()).toBe('webgl');
    expect(tf.env().getNumber('WEBGL_VERSION')).toBe(2);
    expect(tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')).toBe(true);
    expect(tf.env().getBool('WEBGL_FORCE_F16_TEXTURES')).toBe(false);
  });
});
