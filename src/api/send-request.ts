import type { KyInstance } from 'ky';
import { AbortedError, NetworkError, TimeoutError, createHttpError, isAbortedError, isPiecesBackupError, isProtocolError } from './errors/index.js';
import { readText } from './read-body.js';
import { retryDelayOf, shouldRetry, type RetryPolicy } from './retry.js';

/** How long a body may make no progress when nothing else bounds it, ms. */
export const DEFAULT_STALL_TIMEOUT = 10_000;

export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Relative to the base URL, ids already encoded. */
  path: string;
  /** A JSON body; `undefined` sends none (the daemon treats both the same). */
  json?: unknown;
  accept: string;
  signal?: AbortSignal | undefined;
  /**
   * One attempt's bound, ms: the whole answer, body included (for a `stream`, its headers).
   * `false`: the headers may take as long as the operation (a blocking restore answers when
   * it ends), but the body after them must not stall (`stallTimeout`).
   */
  timeout: number | false;
  /** A body with no bytes for this long is stalled (`TimeoutError`, `stalled: true`). Default `DEFAULT_STALL_TIMEOUT`; `false` for none. */
  stallTimeout?: number | false;
  /** `read` gets the body as it comes and bounds it itself; only a non-2xx body is read here. */
  stream?: boolean;
  /** GETs only: the policy an attempt is repeated by; `false` for one attempt. */
  retry?: RetryPolicy | false;
}

/** The base URL and path joined as ky will request them, for error messages. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * One request through ky, then `read` on a 2xx answer. An attempt is the request and its
 * whole answer, body included, within `spec.timeout`; a GET repeats failed attempts per
 * `spec.retry`. The retries are ours, not ky's: ky's timeout and retry end at the headers,
 * so a body that stalls or dies would be neither bounded nor retried. Every failure leaves
 * as a typed error; a non-2xx answer keeps its `text/plain` body.
 */
export async function sendRequest<T>(
  ky: KyInstance,
  baseUrl: string,
  spec: RequestSpec,
  read: (response: Response, url: string) => Promise<T>,
): Promise<T> {
  const url = joinUrl(baseUrl, spec.path);
  const { method, signal } = spec;
  const aborted = () => new AbortedError({ reason: signal?.reason, what: `${method} ${url}` });
  for (let failures = 1; ; failures += 1) {
    if (signal?.aborted) throw aborted();
    try {
      return await attempt(ky, baseUrl, url, spec, read);
    } catch (error) {
      // POSTs start operations: never repeated. An answer that arrived whole but cannot be
      // read (ProtocolError) would be the same again; the callers that poll decide on those.
      if (!spec.retry || method !== 'GET' || isAbortedError(error) || isProtocolError(error)) throw error;
      if (!shouldRetry(spec.retry.retry, failures, error)) throw error;
      await wait(retryDelayOf(spec.retry.retryDelay, failures, error), signal, aborted);
    }
  }
}

async function attempt<T>(
  ky: KyInstance,
  baseUrl: string,
  url: string,
  spec: RequestSpec,
  read: (response: Response, url: string) => Promise<T>,
): Promise<T> {
  const { method, signal, timeout } = spec;
  const controller = new AbortController();
  // The attempt ends when `stop` rejects, on its own timer or the caller's abort, not only
  // through the abort (see read-body.ts); the abort then releases the connection.
  let end!: (error: Error) => void;
  const stop = new Promise<never>((_, reject) => (end = reject));
  stop.catch(() => undefined);
  const timer =
    timeout === false ? undefined : setTimeout(() => end(new TimeoutError({ timeoutMs: timeout, method, url })), timeout);
  const onAbort = () => end(new AbortedError({ reason: signal?.reason, what: `${method} ${url}` }));
  signal?.addEventListener('abort', onAbort, { once: true });
  // a body the attempt's timeout already bounds needs no stall bound of its own
  const stallMs = timeout !== false ? undefined : spec.stallTimeout === false ? undefined : (spec.stallTimeout ?? DEFAULT_STALL_TIMEOUT);
  const stalled = () => new TimeoutError({ timeoutMs: stallMs ?? 0, method, url, stalled: true });
  let handedOver = false;
  try {
    const request = ky(spec.path.replace(/^\/+/, ''), {
      prefixUrl: baseUrl,
      method,
      ...(spec.json !== undefined && { json: spec.json }),
      headers: { accept: spec.accept },
      signal: signal ? AbortSignal.any([signal, controller.signal]) : controller.signal,
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
    });
    request.catch(() => undefined);
    const response = await Promise.race([request, stop]);
    if (!response.ok) {
      const body = await readText(response, stallMs, stalled, stop).catch(() => '');
      const retryAfter = response.headers.get('retry-after') ?? undefined;
      throw createHttpError({ status: response.status, statusText: response.statusText, body, method, url, retryAfter });
    }
    if (spec.stream) {
      handedOver = true;
      return await read(response, url);
    }
    const text = await readText(response, stallMs, stalled, stop);
    // a null body for the statuses that may not have one (204)
    const whole = new Response(text === '' ? null : text, { status: response.status, statusText: response.statusText, headers: response.headers });
    return await read(whole, url);
  } catch (error) {
    if (isPiecesBackupError(error)) throw error;
    if (signal?.aborted) throw new AbortedError({ reason: signal.reason, what: `${method} ${url}` });
    throw new NetworkError({ method, url, ...(neverConnected(error) && { requestSent: false }) }, { cause: error });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // releases the connection of an attempt that failed part-way (a no-op once the body was read)
    if (!handedOver) controller.abort();
  }
}

// A connection that was never made carried no request: the daemon cannot have seen it.
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether fetch failed to connect at all (undici says so in `cause.code`; browsers say nothing). */
export function neverConnected(error: unknown): boolean {
  for (let cause = error, depth = 0; typeof cause === 'object' && cause !== null && depth < 4; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_FAILURES.has(code)) return true;
    cause = (cause as { cause?: unknown }).cause;
  }
  return false;
}

function wait(ms: number, signal: AbortSignal | undefined, aborted: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
