import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { InspectionEvent, Observer, Snapshot } from 'xstate';
import { exponentialBackoff, isTransientError, type RetryOptions, type RetryPolicy } from '../src/api/index.js';
import { STREAM_DEFAULTS, type ProgressTransport, type StreamOptions } from '../src/streams/index.js';

/** Time and chance as parameters, so tests run the lifecycles in virtual time. */
export interface LifecycleClock {
  /** Every wait of the machines and the streams below them. Default rxjs `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Epoch ms for timestamps and the cancel deadline. Default `scheduler.now()`. */
  now?: () => number;
}

/**
 * How a cancel request is repeated through an outage, as plain data. `retry` defaults to
 * every transient failure until the cancel deadline; `retryDelay` to full-jitter backoff
 * from 250 ms doubling to at most 2 s.
 */
export interface CancelRetryOptions extends RetryOptions {
  /** After the cancel was accepted: how often the status is checked until CANCELED, ms. Default `STREAM_DEFAULTS.idleIntervalMs`. */
  confirmIntervalMs?: number;
  /** Timeout of one cancel or status request, ms (never past the deadline). Default 10_000. */
  requestTimeoutMs?: number;
}

/** Options of `createBackupMachine` / `createRestoreMachine`, all plain data but the clock. */
export interface LifecycleOptions {
  /** How progress is followed. Default 'websocket'. */
  transport?: ProgressTransport;
  /** Stall detection, fallback and polling of the streams (see `StreamOptions`). */
  stream?: Omit<StreamOptions, 'scheduler' | 'random'>;
  /** How long a cancel may take to be confirmed, ms. Default 30_000. */
  cancelTimeoutMs?: number;
  cancelRetry?: CancelRetryOptions;
  clock?: LifecycleClock;
}

/** Options of `createBackupActor` / `createRestoreActor`. */
export interface LifecycleActorOptions extends LifecycleOptions {
  /** Passed to `createActor`: e.g. `createBrowserInspector().inspect`. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** A persisted snapshot (`actor.getPersistedSnapshot()`, through JSON) to resume. */
  snapshot?: Snapshot<unknown>;
}

export interface ResolvedCancelRetry {
  retry: RetryPolicy;
  confirmIntervalMs: number;
  requestTimeoutMs: number;
}

export interface ResolvedLifecycleOptions {
  transport: ProgressTransport;
  stream: StreamOptions;
  cancelTimeoutMs: number;
  cancelRetry: ResolvedCancelRetry;
  scheduler: SchedulerLike;
  random: () => number;
  now: () => number;
}

export const DEFAULT_CANCEL_TIMEOUT_MS = 30_000;

const nonNegative = (value: number | undefined, fallback: number): number =>
  value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);

export function resolveLifecycleOptions(options: LifecycleOptions = {}): ResolvedLifecycleOptions {
  const scheduler = options.clock?.scheduler ?? asyncScheduler;
  const random = options.clock?.random ?? Math.random;
  const retry = options.cancelRetry ?? {};
  return {
    transport: options.transport ?? 'websocket',
    stream: { ...options.stream, scheduler, random },
    cancelTimeoutMs: nonNegative(options.cancelTimeoutMs, DEFAULT_CANCEL_TIMEOUT_MS),
    cancelRetry: {
      retry: {
        // the deadline bounds the count
        retry: retry.retry ?? ((_failures: number, error: unknown) => isTransientError(error)),
        retryDelay: retry.retryDelay ?? exponentialBackoff({ baseMs: 250, maxMs: 2_000, random }),
      },
      confirmIntervalMs: Math.max(1, nonNegative(retry.confirmIntervalMs, STREAM_DEFAULTS.idleIntervalMs)),
      requestTimeoutMs: Math.max(1, nonNegative(retry.requestTimeoutMs, 10_000)),
    },
    scheduler,
    random,
    now: options.clock?.now ?? (() => scheduler.now()),
  };
}
