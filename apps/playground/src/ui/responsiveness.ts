import type { Status } from './status.js';

// A button that answers a click and says how long the answer took: from the moment the browser
// made the click event (its timeStamp) to the moment this page's handler runs, measured with
// performance.now(). With training in the worker the page's thread is free, so this stays small
// while training runs; the page test asserts its bound.

export function responsivenessButton(button: HTMLButtonElement, out: HTMLElement, status: Status) {
  button.addEventListener('click', (e) => {
    const ms = performance.now() - e.timeStamp;
    status.page.clickLatencies.push(ms);
    out.textContent = `answered in ${ms.toFixed(0)} ms`;
  });
}
