import { RnnkitError } from './errors.js';

/**
 * The keys an options object of type T may hold, each marked 'required' or 'optional'. Written as
 * an object literal typed `OptionKeys<T>`, the compiler insists that every key of T is listed,
 * with the right mark, and no other: the run-time list cannot drift from the interface.
 */
export type OptionKeys<T> = {
  readonly [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required';
};

/**
 * Checks an options object as a constructor receives it from plain JavaScript or a JSON config:
 * it must be an object, and every key with a value must be one `keys` lists. A wrong key is an
 * error naming it and the name meant (`input_size` → `inputSize`, `hiden_size` → `hiddenSize`),
 * instead of being ignored and failing later as a missing value. Keys whose value is undefined
 * pass: options assembled by spreading (`{ ...o, dropout: undefined }`) stay valid. Returns
 * `options`, so a subclass can check before its `super(...)` call reads them.
 */
export function checkOptions<T>(
  who: string,
  options: T,
  keys: Readonly<Record<string, 'required' | 'optional'>>,
): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new RnnkitError(
      `${who}: expected an options object ${describeKeys(keys)}, got ${describeValue(options)}`,
    );
  }
  const unknown = Object.entries(options)
    .filter(([k, v]) => v !== undefined && !Object.hasOwn(keys, k))
    .map(([k]) => k);
  if (unknown.length === 0) return options;
  const named = unknown.map((k) => {
    const meant = suggestKey(k, Object.keys(keys));
    return meant ? `'${k}' (did you mean '${meant}'?)` : `'${k}'`;
  });
  throw new RnnkitError(
    `${who}: unknown option${unknown.length > 1 ? 's' : ''} ${named.join(', ')}; ${who} accepts ${Object.keys(keys).join(', ')} (camelCase names)`,
  );
}

/** `{ inputSize, hiddenSize, … }`: the required keys, then an ellipsis for the optional ones. */
function describeKeys(keys: Readonly<Record<string, 'required' | 'optional'>>): string {
  const required = Object.keys(keys).filter((k) => keys[k] === 'required');
  const more = required.length < Object.keys(keys).length ? ['…'] : [];
  return `{ ${[...required, ...more].join(', ')} }`;
}

/** A value as an error message shows it: its kind, and primitives in full. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `the string '${v}'`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') return `an object (${v.constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}

/** Lower case without `_` and `-`: PyTorch's `input_size` and rnnkit's `inputSize` meet here. */
function fold(name: string): string {
  return name.replace(/[_-]/g, '').toLowerCase();
}

/**
 * The accepted key a wrong one most likely meant: the same name in another spelling
 * (snake_case, any letter case), else the closest within a small edit distance, else none.
 */
export function suggestKey(wrong: string, accepted: readonly string[]): string | undefined {
  const w = fold(wrong);
  const same = accepted.find((k) => fold(k) === w);
  if (same) return same;
  let best: string | undefined;
  let bestDist = Math.max(1, Math.floor(w.length / 4)) + 1;
  for (const k of accepted) {
    const d = editDistance(w, fold(k));
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}

/**
 * Levenshtein distance (insertions, deletions, substitutions). Written here because core has no
 * runtime dependencies; the names compared are a few characters long.
 */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j] + 1, row[j - 1] + 1));
    }
    prev = row;
  }
  return prev[b.length];
}
