import { chooseBackend, describeBackendChoice, describeBackendChoices } from '@rnnkit/core';

/**
 * The backend packages an rnnkit CLI app offers besides `@rnnkit/backend-js`, which the app
 * depends on and imports itself: optional peers, used when installed. Importing one registers its
 * backend names.
 */
export const OPTIONAL_BACKEND_PACKAGES = ['@rnnkit/backend-tfjs', '@rnnkit/backend-onnx'] as const;

/**
 * `--backend auto`'s order, fastest first (tooling/bench's figures): ONNX Runtime's compiled
 * steps, then TensorFlow.js on WebAssembly, then plain JavaScript, which always starts.
 */
export const AUTO_BACKENDS = ['onnx', 'tfjs-wasm', 'js'] as const;

/** What a CLI app needs for its `--backend` option. */
export interface AppBackends {
  /** The registered backend names, and what to install for the ones this installation lacks. */
  choices: string;
  /** `--backend`'s help text. */
  help: string;
  /**
   * Starts the backend `name` names ('auto' or a backend's name) and returns its name and the
   * line that says which backend runs and why, which the app prints first.
   */
  start(name: string): Promise<{ name: string; line: string }>;
}

/**
 * The backends an rnnkit CLI app offers: `@rnnkit/backend-js` (the app imports it, so `js`
 * always starts) and the optional packages that are installed, imported now so that `--help`
 * lists their names; a backend starts only when chosen. `importer` must be the app's own
 * `(pkg) => import(pkg)`: the packages are the app's peers, so they resolve from the app, not
 * from this package (which does not depend on them).
 */
export async function appBackends(
  importer: (pkg: string) => Promise<unknown>,
): Promise<AppBackends> {
  const choices = await describeBackendChoices(OPTIONAL_BACKEND_PACKAGES, importer);
  return {
    choices,
    help: `tensor backend: auto (the first of ${AUTO_BACKENDS.join(', ')} that starts here) or one of ${choices}`,
    async start(name) {
      const choice = await chooseBackend(name, AUTO_BACKENDS, importer);
      return { name: choice.name, line: describeBackendChoice(choice) };
    },
  };
}
