/** One line of the memory sampler (test/support/memory-sampler.ts). */
export interface Sample {
  /** epoch ms */
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** C++ objects bound to JS objects, Buffers and ArrayBuffers included (absent in older samples) */
  external?: number;
  arrayBuffers?: number;
  /** the resident set's anonymous and file-backed pages (Linux) */
  rssAnon?: number;
  rssFile?: number;
  fds: number;
}

/**
 * The least-squares slope of `value` over the samples' time, per hour: how fast it grows when
 * the ups and downs around the line are left out. 0 with fewer than two samples.
 */
export function slopePerHour<T extends { at: number }>(points: readonly T[], value: (p: T) => number): number {
  if (points.length < 2) return 0;
  const xs = points.map((p) => (p.at - points[0]!.at) / 3_600_000);
  const ys = points.map(value);
  const meanX = xs.reduce((a, b) => a + b, 0) / xs.length;
  const meanY = ys.reduce((a, b) => a + b, 0) / ys.length;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < xs.length; i++) {
    covariance += (xs[i]! - meanX) * (ys[i]! - meanY);
    variance += (xs[i]! - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}
