import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { WebSocket } from 'ws';
import { listFiles } from '../test/emulator/data-dir.js';
import { rawRequest, tempDir, wsUrl } from '../test/helpers/emulator.js';
import { spawnEmulator } from './child-emulator.js';
import { atLeast, atMost, errorText, pool, ProbeReport, sleep, type ProbeResult, type Scale } from './probe.js';

// Hostile input against the emulator process: every request or WebSocket message is refused
// with a 4xx (or a 4xxx close) that says why, never a 5xx; nothing outside the data dir is
// touched; the emulator stays healthy and its memory bounded.

/** What came back: an HTTP status with its body, or a WebSocket close with its reason. */
interface Answer {
  status: number;
  message: string;
}

interface HostileCase {
  name: string;
  send(url: string): Promise<Answer>;
}

const SECRET = 'outside/secret.txt';

/** A raw HTTP exchange over TCP: for what no client library sends (garbage, slow headers). */
function rawExchange(url: string, write: (socket: net.Socket) => Promise<void> | void, timeoutMs = 30_000): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const body = text.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      resolve({ status: match ? Number(match[1]) : 0, message: body.trim() });
    };
    socket.on('connect', () => void Promise.resolve(write(socket)).catch(() => socket.destroy()));
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

const http = (method: string, route: string, headers: Record<string, string> = {}, body?: string | Buffer): HostileCase => ({
  name: `${method} ${route.length > 80 ? `${route.slice(0, 60)}... (${route.length} chars)` : route}${headers['host'] ? ` Host: ${headers['host']}` : ''}${headers['origin'] ? ` Origin: ${headers['origin']}` : ''}${headers['content-type'] ? ` [${headers['content-type']}]` : ''}${body ? ` (${body.length} bytes)` : ''}`,
  send: async (url) => {
    const response = await rawRequest(url, { method, path: route, headers, ...(body !== undefined && { body }) });
    return { status: response.status, message: response.body.trim() };
  },
});

/** A WebSocket upgrade that is refused (its HTTP status and text), or the close after `frames`. */
const socket = (route: string, { headers, frames = [], label }: { headers?: Record<string, string>; frames?: Array<string | Buffer>; label: string }): HostileCase => ({
  name: `WS ${route.length > 80 ? `${route.slice(0, 60)}...` : route}: ${label}`,
  send: (url) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(url, route), { headers: headers ?? {}, ...(headers?.['origin'] && { origin: headers['origin'] }) });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('no answer within 10 s'));
      }, 10_000);
      ws.on('error', () => undefined);
      ws.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, message: body.trim() });
        });
      });
      ws.on('open', () => {
        for (const frame of frames) ws.send(frame, { binary: Buffer.isBuffer(frame) });
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ status: code, message: reason.toString() });
      });
    }),
});

const TRAVERSALS = [
  '..',
  '../../etc/passwd',
  `../../${SECRET}`,
  '..%2F..%2Foutside%2Fsecret.txt',
  '..%2f..%2fetc',
  '%2e%2e',
  '%2e%2e%2f%2e%2e',
  '%252e%252e%252f',
  'a%5Cb',
  'a%00b',
  '%ZZ',
  'a..b',
  '-leading-dash',
  'with%20space',
];

const ID_ROUTES: Array<[string, (id: string) => string]> = [
  ['GET', (id) => `/backup/${id}`],
  ['GET', (id) => `/backup/${id}/creation/status`],
  ['GET', (id) => `/backup/${id}/restoration/status`],
  ['POST', (id) => `/backup/${id}/restore`],
  ['POST', (id) => `/backup/${id}/restore/streamed`],
  ['POST', (id) => `/backup/${id}/creation/cancel`],
  ['POST', (id) => `/backup/${id}/restoration/cancel`],
  ['POST', (id) => `/backups/${id}/delete`],
];

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const JSON_TYPE = { 'content-type': 'application/json' };

export function hostileCases(scale: Scale): HostileCase[] {
  const full = scale === 'full';
  const traversals = full ? TRAVERSALS : TRAVERSALS.slice(2, 5);
  const idRoutes = full ? ID_ROUTES : ID_ROUTES.slice(0, 2);
  const cases: HostileCase[] = [];
  for (const id of traversals) for (const [method, route] of idRoutes) cases.push(http(method, route(id)));
  for (const length of full ? [129, 1_000, 8_000] : [129]) cases.push(http('GET', `/backup/${'a'.repeat(length)}/creation/status`));
  cases.push(http('GET', `/${'x'.repeat(40_000)}`));
  const huge = Buffer.alloc(2 * 1024 * 1024, 0x20);
  for (const route of full ? ['/backup', '/backup/asset', '/backups/create', '/__emulator/assets'] : ['/backup']) {
    cases.push(http('POST', route, { ...JSON_TYPE, 'content-length': String(huge.length) }, huge));
    cases.push(http('POST', route, { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, huge));
  }
  const malformed = ['{"iterable": [', '[1,2]', 'null', '"text"', '\u0000\u0001', nested(50_000), nestedObject(50_000)];
  for (const body of full ? malformed : malformed.slice(0, 1).concat(malformed.slice(5, 6))) {
    for (const route of full ? ['/backup', '/backups/create', '/backup/asset'] : ['/backup']) cases.push(http('POST', route, JSON_TYPE, body));
  }
  // wrong shapes of the Assets and Asset bodies (a SeededBackup ignores fields it does not know)
  const shapes = ['{"iterable": 5}', '{"iterable": [{"id": {"$gt": ""}}]}', `{"iterable":[${nestedObject(5_000)}]}`];
  for (const body of full ? shapes : shapes.slice(0, 1)) cases.push(http('POST', '/backup', JSON_TYPE, body));
  if (full) cases.push(http('POST', '/backup/asset', JSON_TYPE, '{"id": {"$gt": ""}}'), http('POST', '/backup/asset', JSON_TYPE, nestedObject(5_000)));
  for (const type of full ? ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx'] : ['text/plain']) {
    for (const route of full ? ['/backup', '/backups/create'] : ['/backup']) cases.push(http('POST', route, { 'content-type': type }, '{}'));
  }
  cases.push({ name: 'empty Host', send: (url) => rawExchange(url, (s) => void s.write('GET /backups HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n')) });
  for (const host of full ? ['evil.example', 'evil.example:39399', '10.0.0.1', '127.0.0.1.evil.example', '127.0.0.1@evil.example'] : ['evil.example']) {
    cases.push(http('GET', '/backups', { host }));
    if (full) cases.push(http('POST', '/backups/create', { host, ...JSON_TYPE }, '{}'));
  }
  for (const origin of full ? ['https://evil.example', 'null', 'http://localhost.evil.example', 'file://', 'not a url'] : ['https://evil.example']) {
    cases.push(http('GET', '/backups', { origin }));
    if (full) cases.push(http('POST', '/backup/x/restore', { origin, ...JSON_TYPE }, '{}'));
  }
  const sockets = ['/backups/streamed/progress', '/backups/create/streamed/websocket', '/backup/x/restore/streamed/websocket'];
  for (const route of full ? sockets : sockets.slice(0, 1)) {
    cases.push(socket(route, { headers: { origin: 'https://evil.example' }, label: 'foreign Origin' }));
    cases.push(socket(route, { headers: { host: 'evil.example' }, label: 'foreign Host' }));
  }
  for (const id of full ? traversals.slice(0, 6) : traversals.slice(0, 1)) {
    cases.push(socket(`/backup/${id}/restore/streamed/websocket`, { label: 'traversal id' }));
  }
  const startFrames: Array<[string, string | Buffer]> = [
    ['not JSON', 'not json'],
    ['binary', Buffer.from([1, 2, 3])],
    ['wrong shape', '{"schema": 5, "iterable": 5}'],
    ['deeply nested', nested(50_000)],
    ['deeply nested object', nestedObject(50_000)],
    ['oversize', 'x'.repeat(2 * 1024 * 1024)],
  ];
  for (const [label, frame] of full ? startFrames : startFrames.slice(0, 1).concat(startFrames.slice(3, 4))) {
    cases.push(socket('/backups/create/streamed/websocket', { frames: [frame], label: `start frame: ${label}` }));
    if (full) cases.push(socket('/backup/no-such-backup/restore/streamed/websocket', { frames: [frame], label: `start frame: ${label}` }));
  }
  cases.push({ name: 'garbage request line', send: (url) => rawExchange(url, (s) => void s.write('NOT HTTP AT ALL\r\n\r\n')) });
  if (full) {
    const raw = (name: string, payload: string) => cases.push({ name, send: (url) => rawExchange(url, (s) => void s.write(payload)) });
    raw('Content-Length and Transfer-Encoding together (smuggling)', 'POST /backup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
    raw('HTTP/1.0 without Host', 'GET /backups HTTP/1.0\r\n\r\n');
    raw('unknown method', 'BREW /backups HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    raw('TRACE', 'TRACE /backups HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    raw('absolute-form target to a foreign host', 'GET http://evil.example/backups HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    raw('negative Content-Length', 'POST /backup HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n');
    raw('header without a colon', 'GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\nNoColonHere\r\n\r\n');
    raw('admin state with a wrong type', 'PUT /__emulator/state HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 29\r\nConnection: close\r\n\r\n{"rateBytesPerSecond":"fast"}');
    raw('admin fault with an unknown field', 'POST /__emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 47\r\nConnection: close\r\n\r\n{"operation":"backups_snapshot","explode":true}');
  }
  cases.push({ name: 'oversized headers', send: (url) => rawExchange(url, (s) => void s.write(`GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Big: y\r\n'.repeat(3_000)}\r\n`)) });
  cases.push({
    name: 'slow-loris headers (one header line every 500 ms)',
    send: (url) =>
      rawExchange(url, async (s) => {
        s.write('GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n');
        for (let line = 0; line < 200 && !s.destroyed; line += 1) {
          await sleep(500);
          if (!s.destroyed) s.write(`X-Slow-${line}: y\r\n`);
        }
      }, 30_000),
  });
  return cases;
}

/** Every file outside the data dir in `root`, with its hash: "touched" is any difference. */
function outsideState(root: string): string {
  return listFiles(root)
    .filter((name) => !name.startsWith('data/'))
    .map((name) => `${name}:${crypto.createHash('sha256').update(fs.readFileSync(path.join(root, name))).digest('hex')}`)
    .join('\n');
}

export async function hostileInput(scale: Scale): Promise<ProbeResult> {
  const full = scale === 'full';
  const report = new ProbeReport('hostile-input', 'Hostile input: traversal, oversize, malformed, wrong types, foreign Host/Origin, slow-loris, idle connections');
  const root = tempDir('pieces-hostile-');
  fs.mkdirSync(path.join(root, 'outside'));
  fs.writeFileSync(path.join(root, SECRET), 'must not be touched\n');
  const daemon = await spawnEmulator(path.join(root, 'data'));
  const outsideBefore = outsideState(root);
  const cases = hostileCases(scale);
  let answered4xx = 0;
  let fiveHundreds = 0;
  let wrong = 0;
  const rssBefore = daemon.rssKiB();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, daemon.rssKiB());
    } catch {
      // the process is gone: the health check says so
    }
  }, 100);
  let idleOpened = 0;
  let idleReleased = 0;
  let answeredWithIdleOpen = false;
  let healthy = false;
  try {
    // Many idle connections held open: the emulator must still answer the rest, and let them go.
    const idle = await openIdle(daemon.url, full ? 400 : 50);
    idleOpened = idle.filter((connection) => connection.socket.readyState === 'open').length;
    const meanwhile = await fetch(`${daemon.url}/.well-known/health`);
    answeredWithIdleOpen = meanwhile.status === 200;
    await pool(cases, 8, async (hostile) => {
      let answer: Answer;
      try {
        answer = await hostile.send(daemon.url);
      } catch (error) {
        wrong += 1;
        report.fail(`${hostile.name}: ${errorText(error)}`);
        return;
      }
      const refused = (answer.status >= 400 && answer.status < 500) || (answer.status >= 4_000 && answer.status < 5_000);
      if (answer.status >= 500 && answer.status < 600) fiveHundreds += 1;
      if (refused && answer.message.length > 0) answered4xx += 1;
      else {
        wrong += 1;
        report.fail(`${hostile.name}: answered ${answer.status} ${JSON.stringify(answer.message.slice(0, 100))}`);
      }
    });
    const health = await fetch(`${daemon.url}/.well-known/health`);
    healthy = health.status === 200 && (await health.text()).startsWith('ok');
    const listed = await fetch(`${daemon.url}/backups`);
    healthy &&= listed.status === 200;
    // each idle connection is a request head that never comes: answered 408 and closed
    const deadline = Date.now() + 20_000;
    while (idle.some((connection) => !connection.closed()) && Date.now() < deadline) await sleep(100);
    idleReleased = idle.filter((connection) => connection.closed() && /^HTTP\/1\.1 408 /.test(connection.received())).length;
    for (const connection of idle) connection.socket.destroy();
  } finally {
    clearInterval(sampler);
  }
  await sleep(200);
  const rssAfter = daemon.rssKiB();
  await daemon.kill();
  const touched = outsideState(root) !== outsideBefore ? 1 : 0;
  fs.rmSync(root, { recursive: true, force: true });
  const growthMiB = Math.round((rssPeak - rssBefore) / 1024);
  return report.finish(
    [
      atLeast('requests and WebSocket messages', cases.length, full ? 80 : 10),
      atLeast('answered 4xx/4xxx with a message', answered4xx, cases.length),
      atMost('5xx answers', fiveHundreds, 0),
      atMost('wrong answers (not 4xx, no message, no answer)', wrong, 0),
      atMost('files touched outside the data dir', touched, 0),
      atLeast('healthy after (health and list answer 200)', healthy ? 1 : 0, 1),
      atLeast('idle connections held open at once', idleOpened, full ? 400 : 50),
      atLeast('health answered while they were open', answeredWithIdleOpen ? 1 : 0, 1),
      atLeast('idle connections answered 408 and closed', idleReleased, idleOpened),
      atMost('memory growth at peak, MiB', growthMiB, 64),
    ],
    { 'RSS before, MiB': Math.round(rssBefore / 1024), 'RSS peak, MiB': Math.round(rssPeak / 1024), 'RSS after, MiB': Math.round(rssAfter / 1024) },
  );
}

/** `count` TCP connections that connect and send nothing, each recording what it receives. */
async function openIdle(url: string, count: number) {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ socket: net.Socket; received: () => string; closed: () => boolean }>((resolve) => {
          let text = '';
          let closed = false;
          const socket = net.connect(Number(port), hostname);
          const handle = { socket, received: () => text, closed: () => closed };
          socket.on('connect', () => resolve(handle));
          socket.on('data', (chunk) => (text += chunk.toString()));
          socket.on('close', () => (closed = true));
          socket.on('error', () => resolve(handle));
        }),
    ),
  );
}
