// The backends this app offers. The pure-JavaScript one is a dependency; the others are optional
// peers, imported here when installed: importing a backend package registers its names, which
// --help lists and an unknown name's error names. A backend starts only when chosen.
import '@rnnkit/backend-js';
import { chooseBackend, describeBackendChoice, describeBackendChoices } from '@rnnkit/core';

/** The backend names for --help, and what to install for the ones this installation lacks. */
export const BACKEND_CHOICES = await describeBackendChoices(
  ['@rnnkit/backend-tfjs', '@rnnkit/backend-onnx'],
  (pkg) => import(pkg),
);

/**
 * --backend auto's order, fastest first (tooling/bench's figures): ONNX Runtime's compiled steps,
 * then TensorFlow.js on WebAssembly, then plain JavaScript, a dependency, which always starts.
 */
export const AUTO_BACKENDS = ['onnx', 'tfjs-wasm', 'js'];

/** --backend's help text. */
export const BACKEND_HELP = `tensor backend: auto (the first of ${AUTO_BACKENDS.join(', ')} that starts here) or one of ${BACKEND_CHOICES}`;

/**
 * Starts the backend `name` names ('auto' or a backend's name) and returns its name and the line
 * that says which backend runs and why, which the app prints first.
 */
export async function startBackend(name: string): Promise<{ name: string; line: string }> {
  const choice = await chooseBackend(name, AUTO_BACKENDS, (pkg) => import(pkg));
  return { name: choice.name, line: describeBackendChoice(choice) };
}
