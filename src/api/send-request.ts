import { HTTPError, TimeoutError as KyTimeoutError, type KyInstance, type RetryOptions as KyRetryOptions } from 'ky';
import { AbortedError, NetworkError, TimeoutError, createHttpError, isPiecesBackupError } from './errors/index.js';
import { retryDelayOf, shouldRetry, type RetryPolicy } from './retry.js';

export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Relative to the base URL, ids already encoded. */
  path: string;
  /** A JSON body; `undefined` sends none (the daemon treats both the same). */
  json?: unknown;
  accept: string;
  signal?: AbortSignal | undefined;
  /** ky's timeout: until the answer's headers arrive (a stream's body is guarded above). */
  timeout: number | false;
  /** GETs only: the policy ky retries by; `false` for one attempt. */
  retry?: RetryPolicy | false;
}

/** The base URL and path joined as ky will request them, for error messages. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

// ky decides whether and when to retry through these two functions: shouldRetry sees the
// typed error first, then delay reads it back (ky calls them in that order, per attempt).
function kyRetry(policy: RetryPolicy | false | undefined, method: string, url: string): KyRetryOptions | number {
  if (!policy) return 0;
  let failure: unknown;
  return {
    limit: Number.POSITIVE_INFINITY,
    methods: ['get'],
    // Retry-After is read by the policy's retryDelay, capped there
    afterStatusCodes: [],
    shouldRetry: ({ error, retryCount }) => {
      failure = typedAnswer(error, method, url);
      return shouldRetry(policy.retry, retryCount, failure);
    },
    delay: (attempt) => retryDelayOf(policy.retryDelay, attempt, failure),
  };
}

/** What ky threw, typed, without reading a body (enough to decide on a retry). */
function typedAnswer(error: unknown, method: string, url: string): unknown {
  if (error instanceof HTTPError) {
    const { response } = error;
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return createHttpError({ status: response.status, statusText: response.statusText, method, url, retryAfter });
  }
  if (error instanceof KyTimeoutError) return new TimeoutError({ timeoutMs: 0, method, url });
  return new NetworkError({ method, url }, { cause: error });
}

/**
 * One request through ky, then `read` on a 2xx answer. ky does the GET retries (per
 * `spec.retry`), the timeout (to the headers) and the `prefixUrl`; every failure leaves as a
 * typed error, and a non-2xx answer keeps its `text/plain` body.
 */
export async function sendRequest<T>(
  ky: KyInstance,
  baseUrl: string,
  spec: RequestSpec,
  read: (response: Response, url: string) => Promise<T>,
): Promise<T> {
  const url = joinUrl(baseUrl, spec.path);
  const { method, signal } = spec;
  if (signal?.aborted) throw new AbortedError({ reason: signal.reason, what: `${method} ${url}` });
  try {
    const response = await ky(spec.path.replace(/^\/+/, ''), {
      prefixUrl: baseUrl,
      method,
      ...(spec.json !== undefined && { json: spec.json }),
      headers: { accept: spec.accept },
      ...(signal && { signal }),
      timeout: spec.timeout,
      retry: kyRetry(spec.retry, method, url),
    });
    return await read(response, url);
  } catch (error) {
    if (isPiecesBackupError(error)) throw error;
    if (signal?.aborted) throw new AbortedError({ reason: signal.reason, what: `${method} ${url}` });
    if (error instanceof HTTPError) {
      const { response } = error;
      const body = await response.text().catch(() => '');
      const retryAfter = response.headers.get('retry-after') ?? undefined;
      throw createHttpError({ status: response.status, statusText: response.statusText, body, method, url, retryAfter });
    }
    if (error instanceof KyTimeoutError) throw new TimeoutError({ timeoutMs: spec.timeout as number, method, url });
    throw new NetworkError({ method, url }, { cause: error });
  }
}
