// The backends this app offers, as @rnnkit/train's appBackends defines them for the CLI apps:
// @rnnkit/backend-js (a dependency, imported here, so js always starts) and the optional backend
// packages that are installed. The import() is this app's own, so the packages resolve from here.
import '@rnnkit/backend-js';
import { appBackends } from '@rnnkit/train';

export const {
  choices: BACKEND_CHOICES,
  help: BACKEND_HELP,
  start: startBackend,
} = await appBackends((pkg) => import(pkg));
