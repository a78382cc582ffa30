import { AbortedError, DaemonNotFoundError } from './errors/index.js';

export interface DiscoverDaemonOptions {
  /**
   * Base URLs to probe instead of `hosts` x `ports`, e.g. `[configuredBaseUrl]` to check that
   * a configured URL (path prefix included) is Pieces OS before using it.
   */
  candidates?: string[];
  /** Default `['127.0.0.1']`. */
  hosts?: string[];
  /**
   * Default 39300..39333 then 1000: where Pieces OS listens, newest builds first. With the
   * default, 39300 (its usual port) is probed alone first, so a page beside a running Pieces OS
   * sends one request, and the browser logs no refused connection.
   */
  ports?: number[];
  fetch?: typeof globalThis.fetch;
  /** Per probe. Default 500. */
  timeoutMs?: number;
  /** Probes in flight at once. Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** The ports Pieces OS uses, in the order they are probed. */
export const DEFAULT_DAEMON_PORTS: readonly number[] = [...Array.from({ length: 34 }, (_, index) => 39300 + index), 1000];

/**
 * Finds a running Pieces OS: probes `GET /.well-known/health` on each host and port and
 * resolves the base URL of the first (in the given order) that answers 200 `ok...`. Probes
 * run in small batches, so a dead range costs a few timeouts, not 35; with the default ports
 * the usual one goes alone first. A page pointed at the emulator in development passes its URL
 * to `createBackupClient` instead (the emulator is, by design, on none of these ports).
 *
 * @example
 * ```ts
 * const baseUrl = await discoverDaemon().catch(() => 'http://127.0.0.1:39300');
 * const client = createBackupClient({ baseUrl });
 * ```
 */
export async function discoverDaemon(options: DiscoverDaemonOptions = {}): Promise<string> {
  const hosts = options.hosts ?? ['127.0.0.1'];
  const ports = options.ports ?? DEFAULT_DAEMON_PORTS;
  const candidates =
    options.candidates?.map((url) => url.replace(/\/+$/, '')) ??
    hosts.flatMap((host) => ports.map((port) => `http://${host.includes(':') ? `[${host}]` : host}:${port}`));
  const answers: string[] = [];
  const batch = Math.max(1, options.concurrency ?? 8);
  // the usual port alone: when it answers, nothing else is tried
  const usualAlone = options.candidates === undefined && options.ports === undefined;
  for (let start = 0, size = usualAlone ? 1 : batch; start < candidates.length; start += size, size = batch) {
    const slice = candidates.slice(start, start + size);
    answers.push(...(await Promise.all(slice.map((baseUrl) => probe(baseUrl, options)))));
    if (options.signal?.aborted) throw new AbortedError({ reason: options.signal.reason, what: 'discovery' });
    const found = slice.find((_, index) => answers[start + index] === FOUND);
    if (found) return found;
  }
  throw new DaemonNotFoundError(candidates, answers);
}

const FOUND = 'ok';

/** `FOUND`, or what the candidate did instead (`answered 404 Not Found`, `no answer: ...`). */
async function probe(baseUrl: string, options: DiscoverDaemonOptions): Promise<string> {
  const fetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 500;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // the bound covers the body too, on its own timer (see read-body.ts): a health answer can stall after its headers
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const answer = async () => {
      const response = await fetch(`${baseUrl}/.well-known/health`, { signal, headers: { accept: 'text/plain' } });
      return { response, body: await response.text() };
    };
    const answering = answer();
    answering.catch(() => undefined);
    const { response, body } = await Promise.race([answering, deadline]);
    if (response.status === 200 && body.startsWith('ok')) return FOUND;
    if (response.status === 200) return 'answered 200 but not `ok...`';
    const answered = `answered ${`${response.status} ${response.statusText}`.trim()}`;
    return response.status === 404 ? `${answered}: not Pieces OS, or a wrong path in the base URL` : answered;
  } catch (error) {
    // Refused, timed out, or not HTTP at all: not the daemon.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return `no answer: ${cause instanceof Error ? cause.message : String(cause)}`;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
