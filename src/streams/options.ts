import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { exponentialBackoff, isTransientError, type RetryPolicy } from '../api/retry.js';
import type { CancelRetryOptions, PollingOptions, RetryNotice, StreamOptions } from './types.js';

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
  now: () => number;
  minIntervalMs: number;
  maxIntervalMs: number;
  idleIntervalMs: number;
  retry: RetryPolicy;
  outageTimeoutMs: number;
  /** Per subscriber, never part of what a shared poll is keyed on. */
  onRetry: ((notice: RetryNotice | null) => void) | undefined;
}

export interface ResolvedStream extends ResolvedPolling {
  /** `Infinity` when stall detection is off. */
  stallTimeoutMs: number;
  /** The bound of one read whose answer decides (a baseline, a lost start, a check): the stall limit, or its default when that is off. */
  readTimeoutMs: number;
  recoverStream: boolean;
}

/** A cancel's retry, resolved. */
export interface ResolvedCancelRetry {
  retry: RetryPolicy;
  confirmIntervalMs: number;
  requestTimeoutMs: number;
}

export const nonNegative = (value: number | undefined, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);

export function resolvePolling(options: PollingOptions = {}): ResolvedPolling {
  const minIntervalMs = nonNegative(options.minIntervalMs, STREAM_DEFAULTS.minIntervalMs);
  const random = options.random ?? Math.random;
  const scheduler = options.scheduler ?? asyncScheduler;
  return {
    scheduler,
    random,
    now: options.now ?? (() => scheduler.now()),
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
  // 0 or Infinity: no stall detection (a timer of Infinity would fire at once in Node)
  const stallTimeoutMs =
    options.stallTimeoutMs === undefined
      ? STREAM_DEFAULTS.stallTimeoutMs
      : Number.isFinite(options.stallTimeoutMs) && options.stallTimeoutMs > 0
        ? options.stallTimeoutMs
        : Number.POSITIVE_INFINITY;
  return {
    ...resolvePolling(options),
    stallTimeoutMs,
    readTimeoutMs: Number.isFinite(stallTimeoutMs) ? stallTimeoutMs : STREAM_DEFAULTS.stallTimeoutMs,
    recoverStream: options.recoverStream ?? STREAM_DEFAULTS.recoverStream,
  };
}

export function resolveCancelRetry(options: CancelRetryOptions = {}, random: () => number = Math.random): ResolvedCancelRetry {
  return {
    retry: {
      // the deadline bounds the count
      retry: options.retry ?? ((_failures: number, error: unknown) => isTransientError(error)),
      retryDelay: options.retryDelay ?? exponentialBackoff({ baseMs: 250, maxMs: 2_000, random }),
    },
    confirmIntervalMs: Math.max(1, nonNegative(options.confirmIntervalMs, STREAM_DEFAULTS.idleIntervalMs)),
    requestTimeoutMs: Math.max(1, nonNegative(options.requestTimeoutMs, 10_000)),
  };
}
