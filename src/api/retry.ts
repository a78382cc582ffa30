import {
  isAuthenticationRequiredError,
  isHttpError,
  isNetworkError,
  isProtocolError,
  isTimeoutError,
  isUpdateRequiredError,
} from './errors/index.js';

/**
 * Retry as plain data, in the words of TanStack Query and RxJS. The transport's reads, the
 * status poll, discovery and the cancel loop all take this one shape.
 *
 * @example
 * ```ts
 * createBackupClient({ baseUrl, retry: { retry: 5, retryDelay: (attempt) => attempt * 200 } });
 * ```
 */
export interface RetryOptions {
  /**
   * How often a failure is retried: a number of retries (transient errors only, see
   * `isTransientError`), or `(failureCount, error) => boolean` (1 for the first failure).
   * 505 and 511 are never retried: they need the user.
   */
  retry?: number | ((failureCount: number, error: unknown) => boolean);
  /**
   * Milliseconds before retry `attempt` (1 for the first): a number, or
   * `(attempt, error) => ms`. Default: `exponentialBackoff()` of the caller.
   */
  retryDelay?: number | ((attempt: number, error: unknown) => number);
}

/** `RetryOptions` with both fields decided: what callers pass inward. */
export type RetryPolicy = Required<RetryOptions>;

export interface BackoffOptions {
  /** Ceiling of the first wait, ms; doubles per attempt. */
  baseMs: number;
  /** Longest wait, ms, `Retry-After` included. */
  maxMs: number;
  /** Full jitter: a random wait in [0, ceiling). Default true. */
  jitter?: boolean;
  /** [0, 1). Default `Math.random`; tests pass a seeded one. */
  random?: () => number;
  /** Epoch ms, for an HTTP-date `Retry-After`. Default `Date.now`. */
  now?: () => number;
}

/**
 * The default `retryDelay`: the daemon's `Retry-After` when it sent one (it said when; no
 * jitter), else `min(maxMs, baseMs * 2^(attempt-1))` with full jitter. Never more than `maxMs`.
 *
 * @example
 * ```ts
 * exponentialBackoff({ baseMs: 300, maxMs: 10_000, jitter: false })(3, error); // 1200
 * ```
 */
export function exponentialBackoff(options: BackoffOptions): (attempt: number, error: unknown) => number {
  const { baseMs, maxMs, jitter = true, random = Math.random, now = Date.now } = options;
  const limit = Math.max(0, maxMs);
  return (attempt, error) => {
    const after = retryAfterOf(error, now());
    if (after !== undefined) return Math.min(after, limit);
    const ceiling = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), limit);
    return jitter ? Math.floor(random() * ceiling) : ceiling;
  };
}

/**
 * A failure worth asking again: the connection failed or timed out, the answer could not be
 * read (truncated, malformed), or a transient status (408, 429, 5xx). Never 505 (update
 * Pieces OS) or 511 (sign in): waiting does not fix those.
 */
export function isTransientError(error: unknown): boolean {
  if (isNetworkError(error) || isTimeoutError(error) || isProtocolError(error)) return true;
  if (isUpdateRequiredError(error) || isAuthenticationRequiredError(error) || !isHttpError(error)) return false;
  const { status } = error;
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 505 && status !== 511);
}

/** Whether failure number `failureCount` (1 for the first) is retried under `retry`. */
export function shouldRetry(retry: RetryPolicy['retry'], failureCount: number, error: unknown): boolean {
  if (isUpdateRequiredError(error) || isAuthenticationRequiredError(error)) return false;
  return typeof retry === 'function' ? retry(failureCount, error) : failureCount <= retry && isTransientError(error);
}

/** The wait before retry `attempt` under `retryDelay`, never negative. */
export function retryDelayOf(retryDelay: RetryPolicy['retryDelay'], attempt: number, error: unknown): number {
  const ms = typeof retryDelay === 'function' ? retryDelay(attempt, error) : retryDelay;
  return Number.isFinite(ms) ? Math.max(0, ms) : 0;
}

/** The wait an `HttpError` asked for with `Retry-After`, in ms from `now`. */
export function retryAfterOf(error: unknown, now: number = Date.now()): number | undefined {
  return isHttpError(error) ? parseRetryAfter(error.retryAfter, now) : undefined;
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
