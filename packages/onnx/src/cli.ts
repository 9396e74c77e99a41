#!/usr/bin/env node
import { runCli } from './cli-main.js';

// Under the root script `pnpm rnnkit-onnx` pnpm runs this in the repository root and keeps the
// user's folder in INIT_CWD: relative file names are the user's.
const env = process.env;
if (
  env.npm_package_name === 'rnnkit-monorepo' &&
  env.npm_lifecycle_event === 'rnnkit-onnx' &&
  env.INIT_CWD
)
  process.chdir(env.INIT_CWD);

process.exitCode = await runCli(process.argv.slice(2));
