import { build, type InlineConfig, preview } from 'vite';

// Builds a Vite app with `config` and serves the build with `vite preview` on a free port of
// 127.0.0.1. The headers (COOP/COEP for a cross-origin isolated page) come from the config: the
// app's vite.config.ts, or `preview.headers` given here.

export interface Served {
  url: string;
  close(): Promise<void>;
}

/** `rebuild: false` serves the app's existing build (the caller has checked it is up to date). */
export async function buildAndServe(
  config: InlineConfig,
  { rebuild = true }: { rebuild?: boolean } = {},
): Promise<Served> {
  if (rebuild) await build({ logLevel: 'error', ...config });
  const server = await preview({
    logLevel: 'error',
    ...config,
    preview: { ...config.preview, port: 0, host: '127.0.0.1' },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview started but reported no local URL');
  return { url, close: () => server.close() };
}
