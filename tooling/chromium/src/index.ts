export { CHROMIUM_ARGS, chromiumPath, launchChromium } from './launch.js';
export { buildAndServe, type Served } from './serve.js';
