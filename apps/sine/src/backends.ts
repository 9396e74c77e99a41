// The backends this app offers. The pure-JavaScript one is a dependency; the others are optional
// peers, imported here when installed: importing a backend package registers its names, which
// --help lists and an unknown name's error names. A backend starts only when chosen.
import '@rnnkit/backend-js';
import { describeBackendChoices } from '@rnnkit/core';

/** The backend names for --help, and what to install for the ones this installation lacks. */
export const BACKEND_CHOICES = await describeBackendChoices(
  ['@rnnkit/backend-tfjs', '@rnnkit/backend-onnx'],
  (pkg) => import(pkg),
);
