import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { decode, decodeBackup, decodeSeededBackup, type BackupsStreamedProgress } from '../models/index.js';
import type { EmulatorCore } from './emulator-core.js';
import type { FaultSpec } from './faults.js';
import { FramePump, type FrameSink } from './frame-pump.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './http-io.js';
import type { Operation } from './operation.js';
import { checkRequestOrigin, pathSegments } from './request-guard.js';
import { RequestRejection, isRequestRejection } from './request-rejection.js';
import { endpointRoutes, matchRoute, type Route } from './router.js';

interface SocketContext {
  ws: WebSocket;
  core: EmulatorCore;
  params: Record<string, string>;
  fault: FaultSpec | undefined;
}

type SocketRoute = Omit<Route, 'handle'> & { open(context: SocketContext): void };

/** A close reason is at most 123 bytes. */
function reason(text: string): string {
  return Buffer.byteLength(text) <= 123 ? text : `${Buffer.from(text).subarray(0, 120).toString('utf8')}...`;
}

/** The close a shutting-down emulator sends: 1001, not 1000, so clients know the daemon left. */
const GOING_AWAY = { code: 1001, reason: 'going away: Pieces OS is shutting down' } as const;

/** Closes with 1000 after the terminal frame, or 1001 when that frame came from a shutdown. */
function closeDone(ws: WebSocket, core: EmulatorCore): void {
  if (core.closed) ws.close(GOING_AWAY.code, GOING_AWAY.reason);
  else ws.close(1000, 'done');
}

function sinkFor(ws: WebSocket, core: EmulatorCore): FrameSink {
  return {
    send: (text) => ws.send(text),
    sendPartialAndEnd: (text) => {
      ws.send(text);
      closeDone(ws, core);
    },
    end: () => closeDone(ws, core),
    destroy: () => ws.terminate(),
  };
}

/** Sends 1001 and waits for the client's close; drops the socket after `graceMs`. */
function goAway(ws: WebSocket, graceMs: number): Promise<void> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), graceMs);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // A socket already CLOSING sent its close frame (after a terminal frame): just wait.
    if (ws.readyState === ws.OPEN) ws.close(GOING_AWAY.code, GOING_AWAY.reason);
  });
}

/** Waits for the one start frame, parsed as JSON; a malformed one closes 4400. */
function onStartFrame(ws: WebSocket, core: EmulatorCore, start: (body: unknown) => void): void {
  ws.once('message', (data: RawData, isBinary: boolean) => {
    // Shutting down: no new operation; the 1001 close is already on its way.
    if (core.closed) return;
    let body: unknown;
    try {
      if (isBinary) throw new Error('binary');
      const text = data.toString();
      if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
        ws.close(4400, `start frame nested deeper than ${MAX_JSON_DEPTH} levels`);
        return;
      }
      body = JSON.parse(text) as unknown;
    } catch {
      ws.close(4400, 'malformed start frame: send one JSON text frame');
      return;
    }
    try {
      start(body);
    } catch (error) {
      if (isRequestRejection(error)) ws.close(4000 + error.status, reason(error.message));
      else ws.close(1011, reason(`internal emulator error: ${error instanceof Error ? error.message : String(error)}`));
    }
  });
}

function checkCloud(core: EmulatorCore): void {
  const denied = core.cloudCheck();
  if (denied) throw denied;
}

function decodeStart<T>(decoder: (value: unknown, path: string) => T, body: unknown, what: string): void {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) return;
  try {
    decode(decoder, body);
  } catch (error) {
    throw new RequestRejection(400, reason(`start frame is not a valid ${what}: ${error instanceof Error ? error.message : ''}`));
  }
}

/** Frames of one operation to one socket; leaving the socket never cancels the operation. */
function pipeOperation(ws: WebSocket, core: EmulatorCore, operation: Operation, fault: FaultSpec | undefined): void {
  const pump = new FramePump(sinkFor(ws, core), fault);
  const unsubscribe = operation.subscribe((frame) => {
    if (!pump.push(frame, operation.terminal)) unsubscribe();
  });
  ws.on('close', () => {
    pump.stop();
    unsubscribe();
  });
  if (!pump.push(operation.frame(), operation.terminal)) unsubscribe();
}

function progressFrame(core: EmulatorCore, ended: Operation | undefined): BackupsStreamedProgress {
  const running = core.registry.inProgress();
  const backups = running.creation.map((operation) => operation.frame());
  const restoring = running.restoration.map((operation) => operation.frame());
  if (ended) (ended.kind === 'creation' ? backups : restoring).push(ended.frame());
  return { backups, restorations: restoring };
}

const SOCKET_ROUTES: readonly SocketRoute[] = endpointRoutes(['WS'], {
  backups_create_streamed_websocket: {
    open: ({ ws, core, fault }) =>
      onStartFrame(ws, core, (body) => {
        decodeStart(decodeSeededBackup, body, 'SeededBackup');
        checkCloud(core);
        pipeOperation(ws, core, core.registry.start('creation'), fault);
      }),
  },
  backup_restore_streamed_websocket: {
    open: ({ ws, core, params, fault }) =>
      onStartFrame(ws, core, (body) => {
        decodeStart(decodeBackup, body, 'Backup');
        checkCloud(core);
        const id = params['backup']!;
        const manifest = core.cloud.get(id);
        if (!manifest) throw new RequestRejection(404, `no backup ${id}`);
        const running = core.registry.running('restoration');
        // Attach to the running restoration of this backup instead of starting a second one.
        pipeOperation(ws, core, running?.id === id ? running : core.registry.start('restoration', manifest), fault);
      }),
  },
  backups_streamed_progress_websocket: {
    open: ({ ws, core, fault }) => {
      const pump = new FramePump(sinkFor(ws, core), fault);
      const unsubscribe = core.registry.onChange((ended) => {
        if (!pump.push(progressFrame(core, ended), false)) unsubscribe();
      });
      ws.on('close', () => {
        pump.stop();
        unsubscribe();
      });
      if (!pump.push(progressFrame(core, undefined), false)) unsubscribe();
    },
  },
});

export function isWebSocketPath(segments: readonly string[]): boolean {
  try {
    matchRoute(SOCKET_ROUTES, 'GET', segments);
    return true;
  } catch {
    return false;
  }
}

/**
 * `ws` closes a frame over `maxPayload` with a bare 1009. The emulator closes every refusal
 * with 4000 + the HTTP status and a reason, so a frame too large is 4413, like a body too large.
 */
function explainOversize(ws: WebSocket, maxBytes: number): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, data?: string | Buffer) =>
    code === 1009 && data === undefined ? close(4413, `frame too large: at most ${maxBytes} bytes`) : close(code, data);
}

function rejectUpgrade(socket: Duplex, status: number, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/**
 * The three WebSocket endpoints. Upgrades are handled here, not by `ws`, so the Host and
 * Origin checks (and path validation) run before a socket is ever accepted.
 */
export class WebSocketGateway {
  private readonly server: WebSocketServer;

  constructor(private readonly core: EmulatorCore) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: core.options.maxBodyBytes });
    this.server.on('error', () => undefined);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    this.upgrade(req, socket, head).catch((error: unknown) => {
      if (isRequestRejection(error)) rejectUpgrade(socket, error.status, error.message);
      else rejectUpgrade(socket, 500, `internal emulator error: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const core = this.core;
    // Browsers send no preflight for WebSockets and ignore CORS on them: the Origin check is all.
    checkRequestOrigin(req, core.options);
    const { route: socketRoute, params } = matchRoute(SOCKET_ROUTES, req.method ?? '', pathSegments(req.url));
    const fault = socketRoute.operation ? core.faults.take(socketRoute.operation) : undefined;
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.reset) {
      socket.destroy();
      return;
    }
    if (fault?.status !== undefined) throw new RequestRejection(fault.status, fault.body ?? `injected fault: ${fault.status}`);
    if (socket.destroyed || core.closed) {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      explainOversize(ws, core.options.maxBodyBytes);
      try {
        socketRoute.open({ ws, core, params, fault });
      } catch {
        ws.close(1011, 'internal emulator error');
      }
    });
  }

  /** Shutdown: every client gets a 1001 close; the ones that do not answer within `graceMs` are dropped. */
  async closeAll(graceMs: number): Promise<void> {
    await Promise.all([...this.server.clients].map((client) => goAway(client, graceMs)));
    this.server.close();
  }
}
