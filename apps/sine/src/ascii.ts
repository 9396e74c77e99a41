import asciichart from 'asciichart';

/**
 * A terminal chart of the last part of the true series and the forecast after it.
 * Both series are resampled to at most `width` columns.
 */
export function asciiForecast(
  history: Float32Array,
  truth: Float32Array,
  forecast: Float32Array,
  width = 100,
): string {
  const histLen = Math.min(history.length, Math.round(width * 0.4));
  const total = histLen + forecast.length;
  const step = Math.max(1, Math.ceil(total / width));
  const pick = (xs: number[]) => xs.filter((_, i) => i % step === 0);
  const hist = Array.from(history.subarray(history.length - histLen));
  const trueLine = pick([...hist, ...Array.from(truth)]);
  // asciichart cannot skip points, so the forecast line shares the history before it starts.
  // A diverged forecast is cut at its first non-finite value and clipped near the data's range,
  // so it neither crashes the chart nor flattens the true curve.
  const finite = trueLine.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const margin = 0.5 * (hi - lo || 1);
  const firstBad = forecast.findIndex((v) => !Number.isFinite(v));
  const shown = Array.from(firstBad < 0 ? forecast : forecast.subarray(0, firstBad));
  const clip = (v: number) => Math.min(hi + margin, Math.max(lo - margin, v));
  const fc = pick([...hist, ...shown.map(clip)]);
  const chart = asciichart.plot([trueLine, fc], {
    height: 12,
    // Colour only on a terminal, so logs and READMEs get plain text.
    ...(process.stdout.isTTY ? { colors: [asciichart.blue, asciichart.red] } : {}),
    format: (x: number) => x.toFixed(2).padStart(6),
  });
  return `${chart}\n  ${'─'.repeat(Math.max(0, Math.round(hist.length / step) - 1))}┤ forecast →   (${process.stdout.isTTY ? '' : 'on a terminal: '}blue: true series, red: forecast${firstBad >= 0 ? `, diverged to ${forecast[firstBad]} at step ${firstBad + 1}` : ''})`;
}
