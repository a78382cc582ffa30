import { Observable, timer, type Subscription } from 'rxjs';
import { addSample, nextPollDelay, type ProgressSample } from './adaptive-interval.js';
import type { ResolvedPolling } from './resolve-options.js';
import { isRetryable, retryDelay } from './retry-policy.js';

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

/**
 * Polls until `isDone`: the first request at once, then adaptive waits; retryable errors
 * back off with full jitter (or Retry-After), every wait on `policy.scheduler`. The
 * in-flight request is aborted when the subscriber leaves.
 */
export function pollLoop<T>(strategy: PollStrategy<T>, policy: ResolvedPolling): Observable<T> {
  const { scheduler } = policy;
  return new Observable<T>((subscriber) => {
    let controller: AbortController | undefined;
    let wait: Subscription | undefined;
    let samples: ProgressSample[] = [];
    let consecutiveErrors = 0;

    const schedule = (ms: number) => {
      wait = timer(ms, scheduler).subscribe(poll);
    };

    const onValue = (value: T) => {
      consecutiveErrors = 0;
      if (strategy.isPending?.({ value })) {
        schedule(nextPollDelay([], policy));
        return;
      }
      subscriber.next(value);
      if (strategy.isDone(value)) {
        subscriber.complete();
        return;
      }
      const percentage = strategy.percentageOf(value);
      samples = percentage === null ? [] : addSample(samples, { at: scheduler.now(), percentage });
      schedule(nextPollDelay(samples, policy));
    };

    const onError = (error: unknown) => {
      if (strategy.isPending?.({ error })) {
        consecutiveErrors = 0;
        schedule(nextPollDelay([], policy));
        return;
      }
      consecutiveErrors += 1;
      if (!isRetryable(error) || consecutiveErrors > policy.maxConsecutiveErrors) {
        subscriber.error(error);
        return;
      }
      // note: after a gap the old rate says nothing about the present
      samples = [];
      schedule(retryDelay(error, consecutiveErrors - 1, policy));
    };

    function poll() {
      const current = (controller = new AbortController());
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
          if (!current.signal.aborted) onError(error);
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
