import http, { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { adminRoutes } from './admin-routes.js';
import { backupRoutes } from './backup-routes.js';
import { daemonRoutes } from './daemon-routes.js';
import { answerPreflight, isPreflight, setCorsHeaders } from './cors.js';
import type { EmulatorCore } from './emulator-core.js';
import type { FaultSpec } from './faults.js';
import { parseJsonBody, readBody, sendEmpty, sendText } from './http-io.js';
import { checkRequestOrigin, pathSegments } from './request-guard.js';
import { isRequestRejection } from './request-rejection.js';
import { matchRoute, type Route } from './router.js';
import { isWebSocketPath } from './websocket.js';

const ROUTES: readonly Route[] = [...backupRoutes, ...daemonRoutes, ...adminRoutes];

/** How long a request head may take to arrive. */
export const HEADERS_TIMEOUT_MS = 10_000;

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Answers an injected `latencyMs`/`reset`/`status` fault; true when the request is done. */
async function applyRequestFault(req: IncomingMessage, res: ServerResponse, fault: FaultSpec): Promise<boolean> {
  if (fault.latencyMs) await delay(fault.latencyMs);
  if (fault.reset) {
    req.socket.destroy();
    return true;
  }
  if (fault.status !== undefined) {
    if (fault.status === 204 || fault.status === 304) sendEmpty(res, fault.status);
    else if (fault.status < 300 && !res.headersSent) {
      const body = fault.body ?? '{}';
      res.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } else sendText(res, fault.status, fault.body ?? `injected fault: ${fault.status}`);
    return true;
  }
  return false;
}

function respondWithError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    // Mid-stream: the only honest signal left is dropping the connection.
    res.destroy();
    return;
  }
  if (isRequestRejection(error)) {
    sendText(res, error.status, error.message, error.headers);
    // Drain whatever the client is still sending so it can read the answer.
    if (error.status === 413) req.resume();
    return;
  }
  sendText(res, 500, `internal emulator error: ${error instanceof Error ? error.message : String(error)}`);
}

async function handle(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const origin = checkRequestOrigin(req, core.options);
  if (origin !== undefined) setCorsHeaders(res, origin);
  const segments = pathSegments(req.url);
  if (origin !== undefined && isPreflight(req)) {
    // A preflight is no call of an operation: it takes no fault and starts nothing.
    if (core.closed) res.destroy();
    else answerPreflight(req, res, origin, segments[0] === '__emulator');
    return;
  }
  if (isWebSocketPath(segments)) {
    sendText(res, 400, `/${segments.join('/')} is a WebSocket endpoint: send an Upgrade request`);
    return;
  }
  const { route, params } = matchRoute(ROUTES, req.method ?? '', segments);
  const raw = await readBody(req, core.options.maxBodyBytes);
  const body = req.method === 'POST' || req.method === 'PUT' ? parseJsonBody(req, raw) : undefined;
  const fault = route.operation ? core.faults.take(route.operation) : undefined;
  if (fault && (await applyRequestFault(req, res, fault))) return;
  if (core.closed) {
    res.destroy();
    return;
  }
  if (route.cloud) {
    const denied = core.cloudCheck();
    if (denied) throw denied;
  }
  await route.handle({ req, res, core, params, body, fault });
}

/** The emulator's HTTP server. No input can throw out of it: every failure is a text answer. */
export function createHttpServer(core: EmulatorCore): http.Server {
  // note: a loopback daemon needs no minute for a request head; a slow-loris is let go after 10 s
  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    handle(core, req, res).catch((error: unknown) => {
      try {
        respondWithError(req, res, error);
      } catch {
        res.destroy();
      }
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable) {
      const [status, text] = clientErrorAnswer(error.code);
      const body = `${text}\n`;
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    } else socket.destroy();
  });
  return server;
}

/** What a request that never became one gets: a slow-loris its 408, oversized headers their 431. */
function clientErrorAnswer(code: string | undefined): [status: number, text: string] {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return [408, `request timeout: the request head must arrive within ${HEADERS_TIMEOUT_MS / 1_000} s`];
  if (code === 'HPE_HEADER_OVERFLOW') return [431, 'request header fields too large'];
  return [400, 'bad request'];
}

/**
 * Stops accepting connections and lets answers already on their way go out: keep-alive
 * connections are closed as they go idle; whatever is still open after `graceMs` (a
 * stalled stream) is dropped.
 */
export async function closeHttpServer(server: http.Server, graceMs: number): Promise<void> {
  let closed = false;
  const done = new Promise<void>((resolve) =>
    server.close(() => {
      closed = true;
      resolve();
    }),
  );
  const deadline = Date.now() + graceMs;
  while (!closed && Date.now() < deadline) {
    server.closeIdleConnections();
    await Promise.race([done, delay(10)]);
  }
  server.closeAllConnections();
  await done;
}
