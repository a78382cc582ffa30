import { AbortedError, isHttpError, isNetworkError } from './errors/index.js';
import { computeRetryDelay } from './retry-delay.js';
import type { RetryOptions } from './retry-options.js';

export interface RetryContext {
  options: RetryOptions;
  random: () => number;
  signal?: AbortSignal | undefined;
}

/** Transient failures only: a dropped connection or a status the policy lists. */
export function isRetryable(error: unknown, options: RetryOptions): boolean {
  if (isNetworkError(error)) return true;
  return isHttpError(error) && options.statusCodes.includes(error.status);
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the policy's `limit` is spent. Only
 * idempotent reads go through here; POSTs start operations and are never repeated unasked.
 */
export async function withRetry<T>(attempt: () => Promise<T>, context: RetryContext): Promise<T> {
  for (let retryCount = 1; ; retryCount++) {
    try {
      return await attempt();
    } catch (error) {
      if (retryCount > context.options.limit || !isRetryable(error, context.options)) throw error;
      const wait = computeRetryDelay({
        retryCount,
        retryAfter: isHttpError(error) ? error.retryAfter : undefined,
        options: context.options,
        random: context.random,
      });
      await sleep(wait, context.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError({ reason: signal.reason, what: 'retry wait' }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError({ reason: signal?.reason, what: 'retry wait' }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
