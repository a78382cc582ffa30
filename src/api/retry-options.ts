/** Retry policy for idempotent reads, as plain data (after ky's `RetryOptions`). */
export interface RetryOptions {
  /** Attempts after the first. Default 2. */
  limit: number;
  /** Status codes that are retried. Default 408, 429, 500, 502, 503, 504. Never 505 or 511. */
  statusCodes: number[];
  /** Base delay of the first retry in ms; doubles each time. Default 300. */
  delay: number;
  /** Upper bound of one wait in ms, including `Retry-After`. Default 10_000. */
  backoffLimit: number;
  /** Full jitter: wait a random time in [0, computed). Default true. */
  jitter: boolean;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  limit: 2,
  statusCodes: [408, 429, 500, 502, 503, 504],
  delay: 300,
  backoffLimit: 10_000,
  jitter: true,
});

// 505 and 511 need the user (update, sign in): asking again cannot help, whatever the list says.
const NEVER_RETRIED = [505, 511];

/** Defaults filled in, and the statuses that must never be retried taken out. */
export function resolveRetryOptions(options: Partial<RetryOptions> = {}): RetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...options };
  return {
    ...merged,
    limit: Math.max(0, Math.floor(merged.limit)),
    statusCodes: merged.statusCodes.filter((status) => !NEVER_RETRIED.includes(status)),
  };
}
