import type { FromWorker } from '../protocol.js';

// The status line: the backend in use, its threads (and its notice on them), the speed, and what
// the page is doing. The same numbers go to `window.rnnkitPlayground` for scripts (the page test
// reads them there).

export interface PageState {
  state: 'idle' | 'training' | 'sampling' | 'done' | 'error';
  backend?: string;
  threads?: string;
  /** The backend's line on how it runs here (why it has the threads it has), if it gives one. */
  notice?: string;
  losses: number[];
  validation: { step: number; loss: number }[];
  clickLatencies: number[];
  /** The sine page's latest forecast: mean squared error against the true curve. */
  forecastMse?: number;
  lastError?: string;
}

declare global {
  interface Window {
    rnnkitPlayground: Record<string, PageState>;
  }
}

window.rnnkitPlayground ??= {};

export class Status {
  readonly page: PageState = { state: 'idle', losses: [], validation: [], clickLatencies: [] };

  constructor(
    readonly id: string,
    readonly el: HTMLElement,
  ) {
    window.rnnkitPlayground[id] = this.page;
    this.#render();
  }

  reset(): void {
    Object.assign(this.page, {
      state: 'training',
      losses: [],
      validation: [],
      lastError: undefined,
    });
    this.speed = '';
    this.#render();
  }

  speed = '';

  set(state: PageState['state']): void {
    this.page.state = state;
    this.#render();
  }

  error(message: string): void {
    this.page.lastError = message;
    this.set('error');
  }

  /** Updates from a worker message. */
  on(m: FromWorker): void {
    if (m.type === 'backend') {
      this.page.backend = m.name;
      this.page.threads = m.threads;
      this.page.notice = m.notice;
    } else if (m.type === 'step') {
      this.page.losses.push(m.loss);
      if (m.charsPerSecond > 0)
        this.speed = `${Math.round(m.charsPerSecond).toLocaleString('en-US')} chars/s`;
    } else if (m.type === 'validation') this.page.validation.push({ step: m.step, loss: m.loss });
    else if (m.type === 'error') {
      this.error(m.message);
      return;
    }
    this.#render();
  }

  #render(): void {
    const p = this.page;
    const parts = [
      `backend: ${p.backend ?? '–'}`,
      `threads: ${p.threads ?? '–'}`,
      this.speed && `speed: ${this.speed}`,
      `step: ${p.losses.length}`,
      p.losses.length ? `loss: ${p.losses.at(-1)?.toFixed(4)}` : '',
      p.state === 'error' ? `error: ${p.lastError}` : p.state,
    ].filter(Boolean);
    // The notice goes on a line of its own below (style.css keeps the line break).
    this.el.textContent = [parts.join(' · '), p.notice].filter(Boolean).join('\n');
    this.el.dataset.state = p.state;
  }
}
