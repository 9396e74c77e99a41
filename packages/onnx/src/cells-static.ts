// cells-peer.ts for bundles (package.json "imports" #cells-peer: every condition but "node"):
// @rnnkit/cells imported statically, with no top-level await. A bundler resolves the optional
// peer at build time either way (a missing @rnnkit/cells fails the build, naming it), and a
// top-level await in a bundled module worker lets the worker take messages before its own
// `onmessage` is set, so a page's first message to it is lost; Vite also refuses top-level
// await in its default (classic) worker format.
import * as cellsApi from './cells-api.js';

/** cells-api's runtime exports, as cells-peer.ts gives them when @rnnkit/cells is installed. */
export const api: typeof cellsApi = cellsApi;
