import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type { TopLevelSpec };

/** Renders a Vega-Lite spec to SVG text with Vega's headless renderer (errors only are logged). */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const logger = vega.logger(vega.Error);
  const view = new vega.View(vega.parse(compile(spec, { logger }).spec), {
    renderer: 'none',
    logger,
  });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** SVG → PNG with resvg and the bundled DejaVu Sans, so text renders on machines without fonts. */
export function svgToPng(svg: string): Uint8Array {
  const require = createRequire(import.meta.url);
  const font = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  const r = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: 1.5 },
    font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
  });
  return r.render().asPng();
}

/**
 * Checks that a chart can be written to `path` (an app calls this before long work): a .png or
 * .svg name, not a folder, in a folder that exists and is writable. `option` names the flag in
 * errors.
 */
export function checkChartPath(path: string, option = 'plot'): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') {
    throw new Error(`${option} must end in .png or .svg, got '${path}'`);
  }
  if (existsSync(path) && statSync(path).isDirectory())
    throw new Error(`${option} ${path} is a folder; name the file to write`);
  const folder = dirname(resolve(path));
  if (!existsSync(folder))
    throw new Error(`cannot write ${option} ${path}: the folder ${folder} does not exist`);
  if (!statSync(folder).isDirectory())
    throw new Error(`cannot write ${option} ${path}: ${folder} is a file, not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`cannot write ${option} ${path}: the folder ${folder} is not writable`);
  }
}

/** Writes a spec as .svg or .png, chosen by the file's extension; `option` names the flag in errors. */
export async function writeChart(path: string, spec: TopLevelSpec, option = 'plot'): Promise<void> {
  checkChartPath(path, option);
  const ext = extname(path).toLowerCase();
  const svg = await toSvg(spec);
  writeFileSync(path, ext === '.svg' ? svg : svgToPng(svg));
}
