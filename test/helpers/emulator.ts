import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

/** Fast defaults for tests: 50 MB/s transfers, short roll-back, a fresh temp dir, port 0. */
export const TEST_EMULATOR_OPTIONS: EmulatorOptions = { port: 0, rateBytesPerSecond: 50_000_000, cancelDelayMs: 30 };

export interface EmulatorHandle {
  /** The running emulator; throws if read outside a test. */
  readonly current: Emulator;
  readonly url: string;
}

/**
 * Starts a real emulator for a vitest suite and closes it afterwards. `each: true` gives
 * every test its own emulator (and data dir).
 *
 * @example
 * ```ts
 * const emulator = useEmulator();
 * it('lists', async () => expect((await fetch(`${emulator.url}/backups`)).status).toBe(200));
 * ```
 */
export function useEmulator(options: EmulatorOptions & { each?: boolean } = {}): EmulatorHandle {
  const { each, ...rest } = options;
  let emulator: Emulator | undefined;
  const start = async () => {
    emulator = await startEmulator({ ...TEST_EMULATOR_OPTIONS, ...rest });
  };
  const stop = async () => {
    await emulator?.close();
    emulator = undefined;
  };
  if (each) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return {
    get current() {
      if (!emulator) throw new Error('the emulator runs only inside tests of this suite');
      return emulator;
    },
    get url() {
      return this.current.url;
    },
  };
}

/** A fresh temp directory, for tests that pass their own `dataDir`. */
export function tempDir(prefix = 'pieces-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Calls the `/__emulator` admin surface; JSON in, parsed JSON (or undefined for 204) out. */
export async function adminFetch<T = unknown>(baseUrl: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/__emulator/${route.replace(/^\/+/, '')}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${method} ${route}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A request through `node:http`, for what fetch will not send (a foreign `Host`, raw
 * paths like `/backup/..%2F..`, odd methods). Resolves with status, headers and text.
 */
export function rawRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Polls until `check` returns a value other than undefined (or times out with a clear error). */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs one creation to completion over HTTP and returns its backup id. */
export async function createBackup(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/backups/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Reads an NDJSON response line by line; `lines` are raw, `frames` parsed (non-JSON lines are skipped). */
export async function readNdjson(response: Response, onFrame?: (frame: Record<string, unknown>) => void): Promise<{ lines: string[]; rest: string }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      if (onFrame) {
        try {
          onFrame(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a malformed line: the caller inspects `lines`
        }
      }
    }
  }
  return { lines, rest: buffer };
}

export interface SocketProbe {
  readonly socket: import('ws').WebSocket;
  /** Raw text frames received so far. */
  readonly messages: string[];
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves when at least `count` messages arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
}

/** Opens a `ws` client and records everything it receives. */
export async function openSocket(url: string, options: import('ws').ClientOptions = {}): Promise<SocketProbe> {
  const { WebSocket } = await import('ws');
  const socket = new WebSocket(url, options);
  const messages: string[] = [];
  socket.on('message', (data) => messages.push(data.toString()));
  socket.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    socket.once('error', reject);
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    socket,
    messages,
    opened,
    closed,
    waitForMessages: (count, timeoutMs) => waitFor(() => (messages.length >= count ? messages : undefined), `${count} frames`, timeoutMs),
  };
}

/** `ws://` form of an emulator URL plus a path. */
export function wsUrl(baseUrl: string, route: string): string {
  return `${baseUrl.replace(/^http/, 'ws')}${route}`;
}

/** Status of an operation through the status endpoints. */
export async function statusOf(baseUrl: string, kind: 'creation' | 'restoration', id: string): Promise<{ value?: string; percentage?: number | null }> {
  const response = await fetch(`${baseUrl}/backup/${id}/${kind}/status`);
  if (response.status !== 200) throw new Error(`${kind} status ${id}: ${response.status}`);
  return (await response.json()) as { value?: string; percentage?: number | null };
}
