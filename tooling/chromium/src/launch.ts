import { execFileSync } from 'node:child_process';
import { type Browser, chromium } from 'playwright-core';

// Headless Chromium from the system (Debian's `chromium` package), driven by playwright-core:
// Playwright's own browser download is not used. CHROMIUM_PATH overrides the lookup.

export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`])
        .toString()
        .trim();
    } catch {
      // not this one
    }
  }
  throw new Error(
    'the page tests and the browser bench need Chromium and found none: install it (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome binary',
  );
}

export const CHROMIUM_ARGS = [
  // CI runs as root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  // WebGL and WebGPU on the CPU through SwiftShader: CI machines have no GPU. Vulkan on and
  // SwiftShader named as the WebGPU adapter, as in tooling/vitest-chromium.ts (the packages'
  // browser tests), so WebGPU is SwiftShader's on every machine, not whichever adapter Chromium
  // picks there.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
