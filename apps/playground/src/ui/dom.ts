import { BACKENDS } from '../backends.js';

// Small DOM helpers for the pages' forms.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el as T;
}

/** A number field's value, checked: a clear message names the field when it is not a number. */
export function numberField(id: string): number {
  const input = byId<HTMLInputElement>(id);
  const v = Number(input.value);
  if (input.value.trim() === '' || !Number.isFinite(v)) {
    const label = input.labels?.[0]?.textContent?.trim() ?? id;
    throw new Error(`${label} must be a number, got '${input.value}'`);
  }
  return v;
}

export function fillBackends(select: HTMLSelectElement): void {
  for (const b of BACKENDS) select.add(new Option(b.label, b.name));
}

/** Offers bytes as a file download. */
export function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
