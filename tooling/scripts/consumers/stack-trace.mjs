// Run with --enable-source-maps: a shape error thrown inside @rnnkit/core must name source files
// that exist in the installed package (the source maps point at src/, which the tarball ships).
import '@rnnkit/backend-js';
import { existsSync } from 'node:fs';
import { matmul, zeros } from '@rnnkit/core';

if (!process.execArgv.includes('--enable-source-maps')) {
  throw new Error('stack-trace.mjs: run it with node --enable-source-maps');
}
let stack = '';
try {
  matmul(zeros([2, 3]), zeros([4, 5]));
} catch (e) {
  stack = e.stack;
}
const files = [
  ...stack.matchAll(/\(?(?:file:\/\/)?(\/[^():]+\/node_modules\/@rnnkit\/[^():]+):\d+:\d+/g),
].map((m) => m[1]);
const missing = files.filter((f) => !existsSync(f));
if (!files.some((f) => f.endsWith('.ts')) || missing.length) {
  throw new Error(`stack trace under --enable-source-maps names missing files:\n${stack}`);
}
console.log(
  `stack trace: ${files.length} @rnnkit frames, e.g. ${files[0].split('node_modules/')[1]}, all exist`,
);
