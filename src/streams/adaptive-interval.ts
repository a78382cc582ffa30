/** One observed percentage and when (`scheduler.now()`) it was observed. */
export interface ProgressSample {
  at: number;
  percentage: number;
}

/** Wait used while no rate of progress is known (first poll, no percentage, no change). */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * How long to wait before the next status poll. From the rate between the last two samples
 * it estimates the time left and waits half of it, so polls come sooner as the end nears
 * (halving the gap each time) and rarely while it is far; always within [min, max].
 */
export function nextPollDelay(
  samples: readonly ProgressSample[],
  bounds: { minIntervalMs: number; maxIntervalMs: number },
): number {
  const previous = samples[samples.length - 2];
  const latest = samples[samples.length - 1];
  const { minIntervalMs: min, maxIntervalMs: max } = bounds;
  if (!previous || !latest || latest.at <= previous.at || latest.percentage <= previous.percentage) {
    return clamp(DEFAULT_POLL_INTERVAL_MS, min, max);
  }
  const rate = (latest.percentage - previous.percentage) / (latest.at - previous.at);
  const remaining = Math.max(0, 100 - latest.percentage) / rate;
  return clamp(remaining / 2, min, max);
}

/** Keeps the last two samples; a percentage that went down starts a fresh estimate. */
export function addSample(samples: readonly ProgressSample[], sample: ProgressSample): ProgressSample[] {
  const latest = samples[samples.length - 1];
  if (latest && sample.percentage < latest.percentage) return [sample];
  return [...samples.slice(-1), sample];
}
