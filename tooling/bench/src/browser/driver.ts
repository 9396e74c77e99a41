import { launchChromium } from '@rnnkit/chromium';
import type { Browser } from 'playwright-core';
import { type Collected, collect } from './collect.js';
import {
  type BackendRequest,
  type BenchEvent,
  BROWSER_WORKLOADS,
  type OfferedBackend,
  parseEvent,
} from './protocol.js';
import { buildAndServe } from './serve.js';

// The browser bench's driver: builds and serves the page, opens it in headless Chromium, runs
// each asked backend in turn (each in a fresh Web Worker) and gathers what the page reports.

export interface BrowserBenchOptions {
  /** Backends to run, in this order (default: every backend the page offers). */
  backends?: string[];
  /** Workloads (default: all of BROWSER_WORKLOADS). */
  workloads?: string[];
  quick: boolean;
  stepsPerCall?: number;
  /** The text of tiny Shakespeare, handed to the page. */
  corpus: string;
  /** Seconds one backend may take (its worker is stopped then). */
  timeoutS: number;
  /** Called with every event as it arrives (progress printing). */
  onEvent?(e: BenchEvent): void;
}

export interface BrowserBenchResult extends Collected {
  chromium: string;
  userAgent: string;
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
  offered: OfferedBackend[];
  /** Errors the page or its workers raised outside the events (console errors included). */
  pageErrors: string[];
}

/** The page's globals (see page/main.ts); the callbacks below run in the page. */
interface BenchWindow {
  benchBackends?: OfferedBackend[];
  runBackend(req: BackendRequest): Promise<void>;
  navigator: { userAgent: string; hardwareConcurrency: number };
  crossOriginIsolated: boolean;
}

/** Checks the asked names against what the page offers; the error lists the choices. */
export function chooseBackends(offered: readonly OfferedBackend[], asked?: string[]): string[] {
  const names = offered.map((b) => b.name);
  if (!asked?.length) return names;
  const unknown = asked.filter((a) => !names.includes(a));
  if (unknown.length)
    throw new Error(
      `browser bench: unknown backend(s) ${unknown.join(', ')}; the page offers ${names.join(', ')}`,
    );
  return asked;
}

export function chooseWorkloads(asked?: string[]): string[] {
  if (!asked?.length) return [...BROWSER_WORKLOADS];
  const known: readonly string[] = BROWSER_WORKLOADS;
  const unknown = asked.filter((a) => !known.includes(a));
  if (unknown.length)
    throw new Error(
      `browser bench: unknown workload(s) ${unknown.join(', ')}; it runs ${BROWSER_WORKLOADS.join(', ')}`,
    );
  return known.filter((w) => asked.includes(w));
}

/** A built and served page and a headless Chromium, for one or more runs. */
export interface BrowserBench {
  /** Runs the asked backends in a fresh tab; the result holds that tab's events only. */
  run(o: BrowserBenchOptions): Promise<BrowserBenchResult>;
  close(): Promise<void>;
}

export async function openBrowserBench(): Promise<BrowserBench> {
  const [server, browser] = await Promise.allSettled([buildAndServe(), launchChromium()]);
  if (server.status === 'rejected' || browser.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.close();
    if (browser.status === 'fulfilled') await browser.value.close();
    throw server.status === 'rejected' ? server.reason : (browser as PromiseRejectedResult).reason;
  }
  return {
    run: (o) => runInTab(browser.value, server.value.url, o),
    close: async () => {
      await browser.value.close();
      await server.value.close();
    },
  };
}

/** Opens the bench, runs once and closes it. */
export async function runBrowserBench(o: BrowserBenchOptions): Promise<BrowserBenchResult> {
  const bench = await openBrowserBench();
  try {
    return await bench.run(o);
  } finally {
    await bench.close();
  }
}

async function runInTab(
  browser: Browser,
  url: string,
  o: BrowserBenchOptions,
): Promise<BrowserBenchResult> {
  const workloads = chooseWorkloads(o.workloads);
  const page = await browser.newPage();
  try {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) pageErrors.push(`${r.status()} for ${r.url()}`);
    });
    const events: BenchEvent[] = [];
    await page.exposeFunction('benchEvent', (raw: unknown) => {
      const e = parseEvent(raw);
      events.push(e);
      o.onEvent?.(e);
    });
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as unknown as BenchWindow).benchBackends);
    const about = await page.evaluate(() => {
      const w = globalThis as unknown as BenchWindow;
      return {
        offered: w.benchBackends ?? [],
        userAgent: w.navigator.userAgent,
        hardwareConcurrency: w.navigator.hardwareConcurrency,
        crossOriginIsolated: w.crossOriginIsolated,
      };
    });
    for (const backend of chooseBackends(about.offered, o.backends)) {
      const req: BackendRequest = {
        backend,
        workloads,
        quick: o.quick,
        stepsPerCall: o.stepsPerCall,
        corpus: o.corpus,
        timeoutS: o.timeoutS,
      };
      await page.evaluate((r) => (globalThis as unknown as BenchWindow).runBackend(r), req);
    }
    return {
      ...collect(events, workloads),
      ...about,
      chromium: browser.version(),
      pageErrors,
    };
  } finally {
    await page.close();
  }
}
