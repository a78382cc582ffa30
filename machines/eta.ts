/** The last observation behind an estimate: plain data, so it lives in machine context. */
export interface RateSample {
  /** When `percentage` was first seen (ms, the clock of the observations). */
  at: number;
  percentage: number;
  /** Smoothed progress rate in percent per ms; null until two samples differ. */
  percentPerMs: number | null;
}

// Weight of the newest rate: enough to follow a real change, not every jitter of a tick.
const SMOOTHING = 0.3;

/**
 * Folds one observation into the rate and estimates the time left (ms) from it, or null
 * while no rate is known. A percentage that did not move keeps the old sample, so the next
 * rate spans the whole pause and the estimate counts down meanwhile.
 *
 * @example
 * ```ts
 * let sample: RateSample | null = null;
 * ({ sample } = estimateEta(sample, 0, 10));
 * const { eta } = estimateEta(sample, 1_000, 20); // 10 %/s -> eta 8_000
 * ```
 */
export function estimateEta(
  previous: RateSample | null,
  at: number,
  percentage: number,
): { sample: RateSample; eta: number | null } {
  if (percentage >= 100) {
    return { sample: { at, percentage: 100, percentPerMs: previous?.percentPerMs ?? null }, eta: 0 };
  }
  if (!previous || percentage < previous.percentage) {
    return { sample: { at, percentage, percentPerMs: null }, eta: null };
  }
  if (percentage === previous.percentage || at <= previous.at) {
    const rate = previous.percentPerMs;
    const eta = rate ? Math.max(0, Math.round((100 - percentage) / rate - (at - previous.at))) : null;
    return { sample: previous, eta };
  }
  const instant = (percentage - previous.percentage) / (at - previous.at);
  const rate = previous.percentPerMs === null ? instant : previous.percentPerMs * (1 - SMOOTHING) + instant * SMOOTHING;
  return { sample: { at, percentage, percentPerMs: rate }, eta: Math.round((100 - percentage) / rate) };
}
