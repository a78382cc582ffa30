import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { PollingOptions, RetryNotice, StreamOptions } from './types.js';

/** Polling options with every default filled in and the bounds made consistent. */
export interface ResolvedPolling {
  scheduler: SchedulerLike;
  random: () => number;
  minIntervalMs: number;
  maxIntervalMs: number;
  maxBackoffMs: number;
  backoffBaseMs: number;
  maxConsecutiveErrors: number;
  outageTimeoutMs: number;
  /** Per subscriber, never part of what a shared poll is keyed on. */
  onRetry: ((notice: RetryNotice | null) => void) | undefined;
}

export interface ResolvedStream extends ResolvedPolling {
  stallTimeoutMs: number;
  recoverStream: boolean;
}

/** How long a status may stay unreadable before following gives up (see `PollingOptions`). */
export const DEFAULT_OUTAGE_TIMEOUT_MS = 15_000;

const nonNegative = (value: number | undefined, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);

export function resolvePolling(options: PollingOptions = {}): ResolvedPolling {
  const minIntervalMs = nonNegative(options.minIntervalMs, 200);
  return {
    scheduler: options.scheduler ?? asyncScheduler,
    random: options.random ?? Math.random,
    minIntervalMs,
    // note: a max below the min would make clamping ambiguous; the min wins
    maxIntervalMs: Math.max(minIntervalMs, nonNegative(options.maxIntervalMs, 5_000)),
    maxBackoffMs: nonNegative(options.maxBackoffMs, 30_000),
    backoffBaseMs: nonNegative(options.backoffBaseMs, 500),
    maxConsecutiveErrors: Math.floor(nonNegative(options.maxConsecutiveErrors, 8)),
    outageTimeoutMs: nonNegative(options.outageTimeoutMs, DEFAULT_OUTAGE_TIMEOUT_MS),
    onRetry: options.onRetry,
  };
}

export function resolveStream(options: StreamOptions = {}): ResolvedStream {
  return {
    ...resolvePolling(options),
    // 0 or Infinity: no stall detection (a timer of Infinity would fire at once in Node)
    stallTimeoutMs:
      options.stallTimeoutMs === undefined
        ? 10_000
        : Number.isFinite(options.stallTimeoutMs) && options.stallTimeoutMs > 0
          ? options.stallTimeoutMs
          : Number.POSITIVE_INFINITY,
    recoverStream: options.recoverStream ?? true,
  };
}

/** Back to the public option shape, for handing resolved options to another public function. */
export function pollingOptionsOf(resolved: ResolvedPolling): PollingOptions {
  const { scheduler, random, minIntervalMs, maxIntervalMs, maxBackoffMs, backoffBaseMs, maxConsecutiveErrors } = resolved;
  const { outageTimeoutMs, onRetry } = resolved;
  return {
    scheduler,
    random,
    minIntervalMs,
    maxIntervalMs,
    maxBackoffMs,
    backoffBaseMs,
    maxConsecutiveErrors,
    outageTimeoutMs,
    ...(onRetry && { onRetry }),
  };
}
