// For tests of what an app does when a package is not installed: `node --import
// <this file> app.js` with RNNKIT_HIDE_PACKAGES=a,b makes those packages unresolvable in that
// process, as if they were absent from node_modules (the errors are Node's own "not found"
// codes, for `import` and for `require`). Nothing else changes; the app's code is untouched.
import Module, { register } from 'node:module';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a test sets it for the child process it starts; no turbo task reads it
const hidden = (process.env.RNNKIT_HIDE_PACKAGES ?? '').split(',').filter(Boolean);
const isHidden = (specifier) =>
  hidden.some((name) => specifier === name || specifier.startsWith(`${name}/`));

if (hidden.length) {
  // import: a resolve hook (it runs on the loader's thread, so it reads the list from its data)
  register(new URL(import.meta.url), { data: hidden });
  // require (and require.resolve): CommonJS resolution
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (isHidden(request)) {
      throw Object.assign(new Error(`Cannot find module '${request}' (hidden for this test)`), {
        code: 'MODULE_NOT_FOUND',
      });
    }
    return resolve.call(this, request, ...rest);
  };
}

let hooked = [];
export function initialize(data) {
  hooked = data;
}

export function resolve(specifier, context, next) {
  if (hooked.some((name) => specifier === name || specifier.startsWith(`${name}/`))) {
    throw Object.assign(
      new Error(
        `Cannot find package '${specifier}' imported from ${context.parentURL} (hidden for this test)`,
      ),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
  }
  return next(specifier, context);
}
