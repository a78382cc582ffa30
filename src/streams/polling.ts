import {
  filter,
  map,
  Observable,
  type OperatorFunction,
  pipe,
  type SchedulerLike,
  type Subscription,
  tap,
  timer,
} from 'rxjs';
import { AbortedError } from '../api/errors/index.js';
import { isTransientError, retryDelayOf, shouldRetry, type RetryPolicy } from '../api/retry.js';
import type { ResolvedPolling } from './options.js';
import { estimateEta, nextPollDelay, type RateSample } from './progress.js';
import type { RetryNotice } from './types.js';

/** Past the estimated finish by this much, so the poll finds the operation ended. */
const FINISH_MARGIN_MS = 25;

/**
 * The wait after an answer that moved: `nextPollDelay`'s halving, until the estimated finish
 * is less than two minimum intervals away. Then halving again would put one poll just before
 * the finish and the next one a whole minimum interval after it, so the next poll goes just
 * past the estimated finish instead (still never sooner than `minIntervalMs`).
 */
function delayAfterProgress(eta: number | null, policy: ResolvedPolling): number {
  if (eta === null || eta >= 2 * policy.minIntervalMs) return nextPollDelay(eta, policy);
  return Math.min(policy.maxIntervalMs, Math.max(policy.minIntervalMs, eta + FINISH_MARGIN_MS));
}

/** One polled resource, as small functions (the strategy of a generic poller). */
export interface PollStrategy<T> {
  request(signal: AbortSignal): Promise<T>;
  /** A last value: emitted, then the loop completes. */
  isDone(value: T): boolean;
  /** The percentage a value reports, for the adaptive interval; null when it has none. */
  percentageOf(value: T): number | null;
  /**
   * An outcome that means "nothing to report yet": neither emitted nor counted as an error;
   * the loop asks again after the default wait.
   */
  isPending?(outcome: { value: T } | { error: unknown }): boolean;
}

/** What a poll loop observes: an answer, a failed attempt that will be retried, a recovery. */
export type PollEvent<T> =
  | { type: 'value'; value: T }
  | { type: 'retrying'; notice: RetryNotice }
  | { type: 'recovered' };

/**
 * Polls until `isDone`: the first request at once, then adaptive waits; failures are retried
 * per `policy.retry` (`retry`, `retryDelay`), each announced as a `retrying` event, every
 * wait on `policy.scheduler`. It gives up with the last error when `retry` says no or once
 * the reads have failed for `outageTimeoutMs` (the last attempt is made at that bound). The
 * in-flight request is aborted when the subscriber leaves.
 */
export function pollLoop<T>(strategy: PollStrategy<T>, policy: ResolvedPolling): Observable<PollEvent<T>> {
  const { scheduler } = policy;
  return new Observable<PollEvent<T>>((subscriber) => {
    let controller: AbortController | undefined;
    let wait: Subscription | undefined;
    let rate: RateSample | null = null;
    let consecutiveErrors = 0;
    let outageStartedAt: number | undefined;

    const schedule = (ms: number) => {
      wait = timer(ms, scheduler).subscribe(poll);
    };

    const recover = () => {
      if (outageStartedAt !== undefined) subscriber.next({ type: 'recovered' });
      consecutiveErrors = 0;
      outageStartedAt = undefined;
    };

    const onValue = (value: T) => {
      recover();
      if (strategy.isPending?.({ value })) {
        schedule(nextPollDelay(null, policy));
        return;
      }
      if (strategy.isDone(value)) {
        subscriber.next({ type: 'value', value });
        subscriber.complete();
        return;
      }
      const percentage = strategy.percentageOf(value);
      const previous = rate;
      const estimate = percentage === null ? null : estimateEta(rate, scheduler.now(), percentage);
      rate = estimate?.sample ?? null;
      // note: no progress since the last poll says nothing new about the rate: the default wait
      const moved = previous !== null && percentage !== null && percentage > previous.percentage;
      // the wait starts before the subscribers run: however many there are, and however slow,
      // they do not stretch the interval (an unsubscribe among them cancels the wait)
      schedule(moved ? delayAfterProgress(estimate?.eta ?? null, policy) : nextPollDelay(null, policy));
      subscriber.next({ type: 'value', value });
    };

    const onError = (error: unknown, startedAt: number) => {
      if (strategy.isPending?.({ error })) {
        recover();
        schedule(nextPollDelay(null, policy));
        return;
      }
      consecutiveErrors += 1;
      outageStartedAt ??= startedAt;
      const now = scheduler.now();
      const delay = retryWait(policy.retry, consecutiveErrors, error, outageStartedAt + policy.outageTimeoutMs - now);
      if (delay === null) {
        subscriber.error(error);
        return;
      }
      // note: after a gap the old rate says nothing about the present
      rate = null;
      subscriber.next({ type: 'retrying', notice: { attempt: consecutiveErrors, nextAttemptAt: now + delay, error } });
      schedule(delay);
    };

    function poll() {
      const current = (controller = new AbortController());
      const startedAt = scheduler.now();
      let request: Promise<T>;
      try {
        request = strategy.request(current.signal);
      } catch (error) {
        request = Promise.reject(error);
      }
      request.then(
        (value) => {
          if (!current.signal.aborted) onValue(value);
        },
        (error: unknown) => {
          if (!current.signal.aborted) onError(error, startedAt);
        },
      );
    }

    poll();
    return () => {
      wait?.unsubscribe();
      controller?.abort();
    };
  });
}

/** The answers of a poll; its retry notices go to `onRetry` (null on recovery). */
export function pollValues<T>(onRetry: ((notice: RetryNotice | null) => void) | undefined): OperatorFunction<PollEvent<T>, T> {
  return pipe(
    tap((event: PollEvent<T>) => {
      if (event.type === 'retrying') onRetry?.(event.notice);
      else if (event.type === 'recovered') onRetry?.(null);
    }),
    filter((event): event is { type: 'value'; value: T } => event.type === 'value'),
    map((event) => event.value),
  );
}

/**
 * The outage rule of every retry loop (the poll loop, and `retryAttempts` for the check and
 * the cancel): after failure number `failures`, the wait before the next attempt, never past
 * `left` (the ms the bound still allows, so the last attempt is made at the bound), or null
 * to give up with the error.
 */
export function retryWait(retry: RetryPolicy, failures: number, error: unknown, left: number): number | null {
  if (left <= 0 || !shouldRetry(retry.retry, failures, error)) return null;
  return Math.min(retryDelayOf(retry.retryDelay, failures, error), left);
}

export interface RetryAttemptsOptions {
  retry: RetryPolicy;
  scheduler: SchedulerLike;
  signal: AbortSignal;
  /** The ms the bound leaves now, given when the outage began (on `scheduler`). */
  left: (outageStartedAt: number) => number;
  /** Told each retry, and null once an attempt after one succeeded. */
  onRetry?: ((notice: RetryNotice | null) => void) | undefined;
  /** Errors given up on at once, whatever `retry` says. */
  isFinal?: (error: unknown) => boolean;
  /** What to reject with once the bound has passed; default the last error. */
  exhausted?: (error: unknown) => unknown;
  /** Names the wait in an `AbortedError`. */
  what: string;
}

/**
 * `pollLoop`'s retry as a promise, for the loops that end with one answer (the outcome check,
 * the cancel request): `attempt` until it resolves, through failures `retryWait` allows.
 */
export async function retryAttempts<T>(attempt: () => Promise<T>, options: RetryAttemptsOptions): Promise<T> {
  const { scheduler, signal } = options;
  let outageStartedAt: number | undefined;
  for (let failures = 0; ; ) {
    const startedAt = scheduler.now();
    try {
      const value = await attempt();
      if (failures > 0) options.onRetry?.(null);
      return value;
    } catch (error) {
      failures += 1;
      outageStartedAt ??= startedAt;
      if (signal.aborted || options.isFinal?.(error)) throw error;
      const left = options.left(outageStartedAt);
      const delay = retryWait(options.retry, failures, error, left);
      if (delay === null) {
        const { exhausted } = options;
        if (exhausted && left <= 0 && shouldRetry(options.retry.retry, failures, error)) throw exhausted(error);
        throw error;
      }
      options.onRetry?.({ attempt: failures, nextAttemptAt: scheduler.now() + delay, error });
      await waitOn(delay, scheduler, signal, options.what);
    }
  }
}

/**
 * The one wait of the retry loops that are promises (`retryAttempts`, the cancel's confirm): `ms` on `scheduler`
 * (virtual in tests); an abort rejects with `AbortedError` and cancels the wait.
 */
export function waitOn(ms: number, scheduler: SchedulerLike, signal: AbortSignal, what = 'wait'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AbortedError({ reason: signal.reason, what }));
    const onAbort = () => {
      pending.unsubscribe();
      reject(new AbortedError({ reason: signal.reason, what }));
    };
    const pending = timer(Math.max(0, ms), scheduler).subscribe(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The reads that end with one answer and must not outlast an outage (RETRY's check, the
 * restore preflight): transient failures retried within `outageTimeoutMs`, each told to
 * `onRetry`; anything else at once.
 */
export function withinOutage<T>(
  attempt: () => Promise<T>,
  policy: Pick<ResolvedPolling, 'retry' | 'scheduler' | 'outageTimeoutMs' | 'onRetry'>,
  signal: AbortSignal,
  what: string,
): Promise<T> {
  return retryAttempts(attempt, {
    retry: policy.retry,
    scheduler: policy.scheduler,
    signal,
    left: (outageStartedAt) => outageStartedAt + policy.outageTimeoutMs - policy.scheduler.now(),
    onRetry: policy.onRetry,
    isFinal: (error) => !isTransientError(error),
    what,
  });
}
