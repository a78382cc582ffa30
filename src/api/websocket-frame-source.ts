import type { Decoder } from '../models/index.js';
import type { WebSocketConstructor, WebSocketLike } from './backup-client.js';
import { decodeBody } from './decode-body.js';
import { AbortedError, NetworkError, ProtocolError, TimeoutError, createHttpError } from './errors/index.js';
import type { FrameSource } from './frame-source.js';
import { guardSink } from './guard-sink.js';

export interface WebSocketFrameSourceOptions<T> {
  /** `ws:` or `wss:` URL. */
  url: string;
  decoder: Decoder<T>;
  /** Sent as one JSON text frame on open (creation/restoration sockets); none when undefined. */
  start?: unknown;
  /** Default: `globalThis.WebSocket`, then the `ws` package. */
  WebSocket?: WebSocketConstructor | undefined;
  signal?: AbortSignal | undefined;
  /** Milliseconds for the socket to open; `false` for none. */
  timeout: number | false;
}

const CONNECTING = 0;
const OPEN = 1;
const NORMAL_CLOSURE = 1000;

/** `http://host:port` + path as a WebSocket URL. */
export function toWebSocketUrl(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):/i, 'ws$1:');
}

/**
 * Frames of one of the daemon's WebSockets, each validated. Close 1000 completes; the
 * protocol's 4xxx closes become the matching `HttpError` (4404 -> `NotFoundError`, 4511 ->
 * `AuthenticationRequiredError`, ...) with the close reason as body; an upgrade refused with
 * an HTTP status (under Node) is that `HttpError`, with the daemon's text when `ws` hands it
 * over; any other close is a `NetworkError`. Each `open` connects its own socket; `close` closes it and detaches.
 * A `NetworkError` or `TimeoutError` before the upgrade completed says `requestSent: false`: no
 * start frame went out, so the daemon started nothing (`isRequestUnsent`).
 */
export function createWebSocketFrameSource<T>(options: WebSocketFrameSourceOptions<T>): FrameSource<T> {
  return {
    open(target) {
      const sink = guardSink(target);
      const { url, signal } = options;
      let socket: WebSocketLike | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let lastError: string | undefined;
      // the daemon starts an operation on the start frame only: before it, nothing was asked
      let requestSent = false;

      const onOpen = () => {
        clearTimeout(timer);
        if (options.start === undefined) return;
        requestSent = true;
        socket?.send(JSON.stringify(options.start));
      };
      const onMessage = (event: { data: unknown }) => {
        if (typeof event.data !== 'string') {
          return fail(new ProtocolError({ message: 'binary frame where a JSON text frame was expected', url }));
        }
        try {
          sink.next(decodeBody(event.data, options.decoder, url, 'frame'));
        } catch (error) {
          fail(error as Error);
        }
      };
      const onError = (event: unknown) => {
        // Browsers say nothing here; `ws` says why (e.g. "Unexpected server response: 403").
        const message = (event as { message?: unknown } | undefined)?.message;
        if (typeof message === 'string') lastError = message;
      };
      const onClose = (event: { code: number; reason: string }) => {
        detach();
        if (event.code === NORMAL_CLOSURE) return sink.complete();
        sink.error(closeError(event.code, event.reason, lastError, url, requestSent));
      };
      const onAbort = () => fail(new AbortedError({ reason: signal?.reason, what: `WebSocket ${url}` }));

      function detach() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (!socket) return;
        socket.removeEventListener('open', onOpen);
        socket.removeEventListener('message', onMessage);
        socket.removeEventListener('error', onError);
        socket.removeEventListener('close', onClose);
        // `ws` throws an 'error' nobody listens to when closed while connecting.
        socket.addEventListener('error', ignore);
        if (socket.readyState === CONNECTING || socket.readyState === OPEN) socket.close(NORMAL_CLOSURE);
      }

      function fail(error: Error) {
        detach();
        sink.error(error);
      }

      const connect = (WebSocket: WebSocketConstructor) => {
        if (sink.done) return;
        try {
          socket = new WebSocket(url);
        } catch (error) {
          return fail(new NetworkError({ method: 'GET', url, requestSent: false }, { cause: error }));
        }
        socket.addEventListener('open', onOpen);
        socket.addEventListener('message', onMessage);
        socket.addEventListener('error', onError);
        socket.addEventListener('close', onClose);
        readRefusedUpgrade(socket, url, fail);
        if (options.timeout !== false) {
          const timeoutMs = options.timeout;
          // the upgrade never completed (e.g. the connection went silent part-way through the 101)
          timer = setTimeout(() => fail(new TimeoutError({ timeoutMs, method: 'GET', url, requestSent: false })), timeoutMs);
        }
      };

      if (signal?.aborted) {
        queueMicrotask(onAbort);
      } else {
        signal?.addEventListener('abort', onAbort, { once: true });
        resolveWebSocket(options.WebSocket).then(connect, (error: unknown) =>
          fail(new NetworkError({ method: 'GET', url, message: 'no WebSocket implementation available', requestSent: false }, { cause: error })),
        );
      }

      return {
        close() {
          sink.close();
          detach();
        },
      };
    },
  };
}

function ignore() {}

/** The refused upgrade's answer as `ws` (Node) hands it over: an `http.IncomingMessage`. */
interface UpgradeResponse {
  statusCode?: number;
  statusMessage?: string;
  setEncoding(encoding: 'utf8'): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

type UpgradeEmitter = { once?: (event: 'unexpected-response', listener: (request: unknown, response: UpgradeResponse) => void) => unknown };

const MAX_REFUSAL_BODY = 4096;

/**
 * `ws` reports a refused upgrade only as "Unexpected server response: 403" unless someone
 * takes the answer: taking it keeps the daemon's own text (`forbidden: Origin ... is not
 * allowed`). Browsers show no status at all (docs/protocol.md "Browsers, CORS and Origin").
 */
function readRefusedUpgrade(socket: WebSocketLike, url: string, fail: (error: Error) => void): void {
  const emitter = socket as unknown as UpgradeEmitter;
  if (typeof emitter.once !== 'function') return;
  emitter.once.call(socket, 'unexpected-response', (_request, response) => {
    const status = response.statusCode ?? 0;
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      if (body.length < MAX_REFUSAL_BODY) body += chunk;
    });
    response.on('end', () => fail(createHttpError({ status, statusText: response.statusMessage, body, method: 'GET', url })));
    response.on('error', () => fail(createHttpError({ status, statusText: response.statusMessage, body, method: 'GET', url })));
  });
}

function closeError(code: number, reason: string, lastError: string | undefined, url: string, requestSent: boolean): Error {
  // The protocol maps HTTP statuses into 4000-4999: 4404, 4409, 4505, 4511, 4400.
  if (code >= 4000 && code <= 4999) return createHttpError({ status: code - 4000, body: reason, method: 'GET', url });
  // A refused upgrade is an HTTP answer, not a network failure.
  const refused = lastError?.match(/Unexpected server response: (\d{3})/);
  if (refused) return createHttpError({ status: Number(refused[1]), body: lastError, method: 'GET', url });
  const why = [reason, lastError].filter(Boolean).join('; ');
  return new NetworkError({ method: 'GET', url, requestSent, message: `WebSocket ${url} closed with ${code}${why ? `: ${why}` : ''}` });
}

let wsModule: Promise<WebSocketConstructor> | undefined;

async function resolveWebSocket(given: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (given) return given;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (global) return global;
  // Node 20 has no global WebSocket; `ws` is a dependency for exactly this. Browsers always
  // have one: package.json `"browser": { "ws": false }` keeps `ws` out of browser bundles.
  wsModule ??= import('ws').then((module) => module.default as unknown as WebSocketConstructor);
  return wsModule;
}
