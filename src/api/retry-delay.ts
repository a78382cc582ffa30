import type { RetryOptions } from './retry-options.js';

export interface RetryDelayInput {
  /** 1 for the first retry. */
  retryCount: number;
  /** The raw `Retry-After` header of the failed answer, if any. */
  retryAfter?: string | undefined;
  options: Pick<RetryOptions, 'delay' | 'backoffLimit' | 'jitter'>;
  /** [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Epoch ms, for an HTTP-date `Retry-After`. Default `Date.now()`. */
  now?: number;
}

/**
 * How long to wait before retry number `retryCount`: the server's `Retry-After` when it sent
 * one (no jitter: it said when), otherwise exponential backoff with full jitter. Both are
 * capped by `backoffLimit`.
 *
 * @example
 * ```ts
 * computeRetryDelay({ retryCount: 2, options: { delay: 300, backoffLimit: 10_000, jitter: false } }); // 600
 * ```
 */
export function computeRetryDelay(input: RetryDelayInput): number {
  const { options } = input;
  const limit = Math.max(0, options.backoffLimit);
  const after = parseRetryAfter(input.retryAfter, input.now ?? Date.now());
  if (after !== undefined) return Math.min(after, limit);
  const exponential = Math.min(options.delay * 2 ** Math.max(0, input.retryCount - 1), limit);
  return options.jitter ? Math.floor((input.random ?? Math.random)() * exponential) : exponential;
}

/** `Retry-After` as ms from `now`: delta-seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its month; V8 would otherwise read "-5" as the year -5.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
