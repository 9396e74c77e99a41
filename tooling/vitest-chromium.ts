import { execFileSync } from 'node:child_process';
import type { playwright } from '@vitest/browser-playwright';
import type { UserConfig } from 'vitest/config';

/**
 * Vitest's browser mode in the system's Chromium (Debian's `chromium`, which `.ci/run` installs
 * when missing), headless, driven by Playwright: the browser test files of backend-conformance,
 * backend-onnx and backend-tfjs run in a real page with it. Playwright's own browser download is
 * not used, so the executable is found on PATH (or given as CHROMIUM_PATH).
 *
 * The page is cross-origin isolated (COOP same-origin, COEP require-corp), which gives it
 * SharedArrayBuffer and so WebAssembly threads. WebGPU runs on SwiftShader, Chromium's CPU
 * Vulkan implementation, so it works without a GPU (CI has none); so does WebGL (a WebGL2
 * context with float32 render targets, through ANGLE on SwiftShader).
 */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(
      'the browser tests need Chromium, which is not on PATH: apt-get install -y chromium (Debian), or set CHROMIUM_PATH to its executable',
    );
  }
}

export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/**
 * The `server` and `test.browser` settings for running `include` in headless Chromium. The
 * caller passes `playwright` from '@vitest/browser-playwright' (resolved from its own package:
 * this file sits outside every package, where nothing resolves).
 */
export function chromiumConfig(provider: typeof playwright, include: string[]): UserConfig {
  return {
    server: {
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
    test: {
      include,
      browser: {
        enabled: true,
        headless: true,
        // a failure's message says what differs; a screenshot of the blank page adds nothing
        screenshotFailures: false,
        provider: provider({
          launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}
