import { registerBackend } from '@rnnkit/core';
import { JsBackend } from './backend.js';

export { JsBackend } from './backend.js';

/** Makes a fresh JS backend instance. */
export function createJsBackend(): JsBackend {
  return new JsBackend();
}

// Importing this package makes 'js' available; it is the default (highest priority).
registerBackend('js', createJsBackend, { priority: 100 });
