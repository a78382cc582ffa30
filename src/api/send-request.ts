import type { KyInstance } from 'ky';
import { AbortedError, NetworkError, TimeoutError, createHttpError, isPiecesBackupError } from './errors/index.js';

export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Relative to the base URL, ids already encoded. */
  path: string;
  /** A JSON body; `undefined` sends none (the daemon treats both the same). */
  json?: unknown;
  accept: string;
  signal?: AbortSignal | undefined;
  timeout: number | false;
  /** Streams: the deadline stops at the headers, the body may take as long as it takes. */
  headersOnly?: boolean;
}

/** The base URL and path joined as ky will request them, for error messages. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}

/**
 * One attempt: the request through ky, then `read` on a 2xx answer, all under one deadline
 * (headers only for streams). Every failure leaves as a typed error; a non-2xx answer keeps
 * its `text/plain` body. ky's own retry and timeout are off: the retry loop and the deadline
 * here give typed errors and cover reading the body too.
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
  const deadline = new AbortController();
  const timer = spec.timeout === false ? undefined : setTimeout(() => deadline.abort(), spec.timeout);
  try {
    const response = await ky(url, {
      method,
      ...(spec.json !== undefined && { json: spec.json }),
      headers: { accept: spec.accept },
      signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
      retry: 0,
      timeout: false,
      throwHttpErrors: false,
    });
    if (spec.headersOnly) clearTimeout(timer);
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      throw createHttpError({
        status: response.status,
        statusText: response.statusText,
        body,
        method,
        url,
        retryAfter: response.headers.get('retry-after') ?? undefined,
      });
    }
    return await read(response, url);
  } catch (error) {
    if (isPiecesBackupError(error)) throw error;
    if (signal?.aborted) throw new AbortedError({ reason: signal.reason, what: `${method} ${url}` });
    if (deadline.signal.aborted) throw new TimeoutError({ timeoutMs: spec.timeout as number, method, url });
    throw new NetworkError({ method, url }, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
