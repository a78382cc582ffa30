import {
  isAuthenticationRequiredError,
  isHttpError,
  isNetworkError,
  isTimeoutError,
  isUpdateRequiredError,
} from '../api/errors/index.js';
import { parseRetryAfter } from '../api/retry-delay.js';
import type { ResolvedPolling } from './resolve-options.js';

/** The HTTP status of an `HttpError` (or a WebSocket 4xxx close mapped to one), if any. */
export function statusOf(error: unknown): number | undefined {
  return isHttpError(error) ? error.status : undefined;
}

/** The connection failed or timed out: nothing was decided, the same call may succeed later. */
export function isConnectionFailure(error: unknown): boolean {
  return isNetworkError(error) || isTimeoutError(error);
}

/**
 * Worth asking again: connection failures and transient answers (408, 429, 5xx). Never
 * 505 (update required) or 511 (sign in): waiting does not fix those.
 */
export function isRetryable(error: unknown): boolean {
  if (isConnectionFailure(error)) return true;
  if (isUpdateRequiredError(error) || isAuthenticationRequiredError(error)) return false;
  const status = statusOf(error);
  if (status === undefined || status === 505 || status === 511) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** The wait a server asked for with `Retry-After` (seconds or HTTP date), in ms. */
export function retryAfterOf(error: unknown, wallNow: number = Date.now()): number | undefined {
  return isHttpError(error) ? parseRetryAfter(error.retryAfter, wallNow) : undefined;
}

/**
 * Wait before retry number `attempt` (0 for the first): the server's Retry-After when it
 * gave one, else full jitter, `random() * min(maxBackoff, base * 2^attempt)`. Never more
 * than `maxBackoffMs`.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  policy: Pick<ResolvedPolling, 'random' | 'backoffBaseMs' | 'maxBackoffMs'>,
): number {
  const hinted = retryAfterOf(error);
  if (hinted !== undefined) return Math.min(policy.maxBackoffMs, hinted);
  const ceiling = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** attempt);
  return Math.floor(policy.random() * ceiling);
}
