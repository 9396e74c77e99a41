import { RnnkitError } from '@rnnkit/core';
import type { CellDef, CellSettings, CellVariant } from './cell-def.js';
import { gruDef } from './gru.js';
import { lstmDef } from './lstm.js';
import { minGruDef } from './mingru.js';
import { minLstmDef } from './minlstm.js';
import { rnnDef } from './rnn.js';

/**
 * Every cell rnnkit knows, in the order the apps list them. Adding a cell is one file (its
 * `CellDef` and layer class) and one line here.
 */
const CELLS: readonly CellDef[] = [rnnDef, lstmDef, gruDef, minGruDef, minLstmDef];

/** The registered cells. */
export function cellDefs(): readonly CellDef[] {
  return CELLS;
}

/** Whether `def` is a registered cell (the very object, not a look-alike with the same kind). */
export function isRegisteredCell(def: CellDef): boolean {
  return CELLS.includes(def);
}

/** The definition of a registered cell by its kind ('lstm'); throws naming the known kinds. */
export function cellDef(kind: string): CellDef {
  const def = CELLS.find((c) => c.kind === kind);
  if (!def)
    throw new RnnkitError(
      `unknown cell kind '${kind}'; registered cells: ${CELLS.map((c) => c.kind).join(', ')}`,
    );
  return def;
}

/** The cell names the models and apps accept (`--cell`): every cell's choices. */
export const CELL_NAMES: readonly string[] = CELLS.flatMap((c) => Object.keys(c.choices));

/** The cell and settings a name from `CELL_NAMES` stands for, or undefined. */
export function cellChoice(name: string): { def: CellDef; settings: CellSettings } | undefined {
  for (const def of CELLS)
    if (Object.hasOwn(def.choices, name)) return { def, settings: def.choices[name] };
  return undefined;
}

/**
 * The name from `CELL_NAMES` that a layer's cell and settings answer to: the choice of that cell
 * whose implied settings all hold, the most specific one ('lstm-peephole' over 'lstm').
 */
export function cellChoiceName(def: CellDef, settings: CellSettings): string {
  let best: [string, number] | null = null;
  for (const [name, implied] of Object.entries(def.choices)) {
    const keys = Object.keys(implied) as (keyof CellSettings)[];
    if (!keys.every((k) => settings[k] === implied[k])) continue;
    if (!best || keys.length > best[1]) best = [name, keys.length];
  }
  if (!best) throw new RnnkitError(`the ${def.title} cell has no name the models accept`);
  return best[0];
}

/** The registered cell whose ONNX operator is `op` ('LSTM'), or undefined. */
export function cellForOnnxOp(op: string): CellDef | undefined {
  return CELLS.find((c) => c.onnx?.op === op);
}

/** A test configuration: a registered cell kind and its settings. */
export interface CellTestVariant extends CellSettings {
  name: string;
  kind: string;
}

/** Every registered cell's test variants (the one table the tests and the conformance suite sweep). */
export function cellVariants(): CellTestVariant[] {
  return CELLS.flatMap((c) =>
    c.variants.map((v: CellVariant) => ({ name: v.name, kind: c.kind, ...v.settings })),
  );
}
