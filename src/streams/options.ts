import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { exponentialBackoff, type RetryPolicy } from '../api/retry.js';
import type { PollingOptions, RetryNotice, StreamOptions } from './types.js';

// Every default of the streams layer, in one place (the rate estimate that reads the
// interval bounds is `nextPollDelay` in progress.ts).
export const STREAM_DEFAULTS = {
  minIntervalMs: 200,
  maxIntervalMs: 5_000,
  /** The poll interval while no rate of progress is known; also how often a cancel is confirmed. */
  idleIntervalMs: 1_000,
  /** Transient failures in a row that are retried. */
  retry: 8,
  backoffBaseMs: 500,
  backoffMaxMs: 30_000,
  outageTimeoutMs: 15_000,
  stallTimeoutMs: 10_000,
  recoverStream: true,
  /**
   * The ETA waits until its samples span this long AND this many percentage points: right
   * after attaching, two frames milliseconds apart would give a wild rate.
   */
  etaMinSpanMs: 1_000,
  etaMinSpanPercent: 2,
  /**
   * The smoothed rate behind the ETA: a rate measured over `dt` weighs `1 - e^(-dt/τ)` with
   * τ = `etaSmoothingMs`, and is measured over at least `etaRateStepMs` (frames that arrive in
   * a burst move the ETA by their percentage, not the rate).
   */
  etaSmoothingMs: 2_000,
  etaRateStepMs: 250,
} as const;

/** Polling options with every default filled in and the bounds made consistent: resolved once, passed inward. */
export interface ResolvedPolling {
  scheduler: SchedulerLike;
  random: () => number;
  minIntervalMs: number;
  maxIntervalMs: number;
  idleIntervalMs: number;
  retry: RetryPolicy;
  outageTimeoutMs: number;
  /** Per subscriber, never part of what a shared poll is keyed on. */
  onRetry: ((notice: RetryNotice | null) => void) | undefined;
}

export interface ResolvedStream extends ResolvedPolling {
  stallTimeoutMs: number;
  recoverStream: boolean;
}

const nonNegative = (value: number | undefined, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);

export function resolvePolling(options: PollingOptions = {}): ResolvedPolling {
  const minIntervalMs = nonNegative(options.minIntervalMs, STREAM_DEFAULTS.minIntervalMs);
  const random = options.random ?? Math.random;
  return {
    scheduler: options.scheduler ?? asyncScheduler,
    random,
    minIntervalMs,
    // note: a max below the min would make clamping ambiguous; the min wins
    maxIntervalMs: Math.max(minIntervalMs, nonNegative(options.maxIntervalMs, STREAM_DEFAULTS.maxIntervalMs)),
    idleIntervalMs: STREAM_DEFAULTS.idleIntervalMs,
    retry: {
      retry: options.retry ?? STREAM_DEFAULTS.retry,
      retryDelay:
        options.retryDelay ??
        exponentialBackoff({ baseMs: STREAM_DEFAULTS.backoffBaseMs, maxMs: STREAM_DEFAULTS.backoffMaxMs, random }),
    },
    outageTimeoutMs: nonNegative(options.outageTimeoutMs, STREAM_DEFAULTS.outageTimeoutMs),
    onRetry: options.onRetry,
  };
}

export function resolveStream(options: StreamOptions = {}): ResolvedStream {
  return {
    ...resolvePolling(options),
    // 0 or Infinity: no stall detection (a timer of Infinity would fire at once in Node)
    stallTimeoutMs:
      options.stallTimeoutMs === undefined
        ? STREAM_DEFAULTS.stallTimeoutMs
        : Number.isFinite(options.stallTimeoutMs) && options.stallTimeoutMs > 0
          ? options.stallTimeoutMs
          : Number.POSITIVE_INFINITY,
    recoverStream: options.recoverStream ?? STREAM_DEFAULTS.recoverStream,
  };
}
