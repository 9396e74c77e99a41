// esbuild bundles of consumers/train-step.mjs (core + backend-js + cells + data's sine windows +
// train's optimizers, losses and Trainer), for --platform=browser and --platform=node, run in
// Node: both must train and give the losses the unbundled program gives. esbuild honours each
// package's "sideEffects", so a module-level registration or wiring it may drop shows up here
// (autograd's hooks did).
//
// The browser bundle is strict: no Node built-in is marked external, so esbuild fails on any
// that a module it reads imports, used or not (data's downloads and train's checkpoint files and
// progress bar did, issue 18 item 9; their packages' "node" export conditions keep them out).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** `app`: an npm project with core, backend-js, cells and train installed from tarballs. */
export async function checkBundles(app) {
  copyFileSync(join(import.meta.dirname, 'consumers/train-step.mjs'), join(app, 'train-step.mjs'));
  const run = (file) => execFileSync('node', [file], { cwd: app }).toString().trim();
  const unbundled = run('train-step.mjs');
  const sizes = {};
  for (const platform of ['browser', 'node']) {
    const outfile = join(app, `train-step.${platform}.mjs`);
    const result = await build({
      entryPoints: [join(app, 'train-step.mjs')],
      absWorkingDir: app,
      bundle: true,
      minify: true,
      format: 'esm',
      platform,
      outfile,
      metafile: true,
      logLevel: 'error',
      // In Node the Trainer keeps its terminal bar: cli-progress is CommonJS and requires Node
      // built-ins, which an ESM bundle does through a require made by createRequire (esbuild's
      // documented way).
      banner:
        platform === 'node'
          ? {
              js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
            }
          : {},
    });
    const left = Object.values(result.metafile.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external)
      .map((i) => i.path);
    if (platform === 'browser' && left.length) {
      throw new Error(`the browser bundle imports Node built-ins: ${left.join(', ')}`);
    }
    let bundled;
    try {
      bundled = run(outfile);
    } catch (e) {
      throw new Error(`the ${platform} bundle fails:\n${e.stderr}`);
    }
    if (bundled !== unbundled) {
      throw new Error(`the ${platform} bundle printed ${bundled}, unbundled ${unbundled}`);
    }
    const code = readFileSync(outfile);
    sizes[platform] =
      `${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`;
  }
  console.log(
    `bundle check: browser and node bundles train like the unbundled program ${unbundled}`,
  );
  console.log(
    `  browser bundle (core + backend-js + cells + data's sine windows + train's Trainer, Adam, RMSprop, mseLoss): ${sizes.browser}`,
  );
}
