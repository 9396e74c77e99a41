// A TypeScript project that imports every entry point of every installed @rnnkit package
// compiles, with moduleResolution node16 and bundler, checking the shipped .d.ts files too
// (skipLibCheck off). Only errors in consumer.ts and in @rnnkit's files count: third-party
// declarations (tfjs-core's need the DOM lib and 'Long') are theirs to fix.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './workspace.mjs';

const CONFIGS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

/** `app`: an npm project with the packages installed; `packs`: Map(name -> { pkg }). */
export function checkTypeScriptConsumer(app, packs) {
  const specifiers = [];
  for (const [name, { pkg }] of packs) {
    // the apps are binaries only: nothing to import
    if (!pkg.json.exports && !pkg.json.main) continue;
    for (const key of Object.keys(pkg.json.exports ?? { '.': null })) {
      specifiers.push(key === '.' ? name : `${name}/${key.slice(2)}`);
    }
  }
  writeFileSync(
    join(app, 'consumer.ts'),
    `${specifiers.map((s, i) => `import * as m${i} from '${s}';`).join('\n')}\n` +
      `export const modules = [${specifiers.map((_, i) => `m${i}`).join(', ')}];\n`,
  );
  for (const [label, options] of Object.entries(CONFIGS)) {
    const config = `tsconfig.${label}.json`;
    writeFileSync(
      join(app, config),
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: 'ES2022',
          lib: ['ES2023'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
        },
        files: ['consumer.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', config], {
        cwd: app,
        stdio: 'pipe',
      });
    } catch (e) {
      output = `${e.stdout}${e.stderr}`;
    }
    const ours = output
      .split('\n')
      .filter((l) => /^(consumer\.ts|node_modules\/@rnnkit\/)/.test(l) || /^error/.test(l));
    if (ours.length) {
      throw new Error(`TypeScript consumer (${label}) does not compile:\n${ours.join('\n')}`);
    }
  }
  console.log(
    `TypeScript consumer: ${specifiers.length} entry points compile with moduleResolution ${Object.keys(CONFIGS).join(' and ')}`,
  );
}
