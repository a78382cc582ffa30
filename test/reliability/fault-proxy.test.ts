import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../reliability/fault-proxy.js';
import { useEmulator } from '../helpers/emulator.js';

// The proxy itself: each toxic does what it says to the bytes, on the connections it selects.

/** A loopback TCP server that echoes every byte back: downstream carries what upstream did. */
let echo: net.Server;
let echoPort: number;
beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

let proxy: FaultProxy;
afterEach(() => proxy?.close());

interface Received {
  socket: net.Socket;
  chunks: Buffer[];
  readonly bytes: number;
  ended: Promise<'end' | 'close' | string>;
}

/** Connects through the proxy, writes `payload`, and records what comes back and how it ends. */
async function through(payload: string | Buffer): Promise<Received> {
  const socket = net.connect(proxy.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<'end' | 'close' | string>((resolve) => {
    socket.once('end', () => resolve('end'));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('close', () => resolve('close'));
  });
  socket.write(payload);
  return {
    socket,
    chunks,
    get bytes() {
      return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    },
    ended,
  };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
const waitFor = async (condition: () => boolean, ms = 2_000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

describe('fault proxy', () => {
  it('forwards both ways on 127.0.0.1, numbering connections and keeping their first line', async () => {
    proxy = await startFaultProxy(echoPort);
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await through('GET /one HTTP/1.1\r\n\r\n');
    const second = await through('hello');
    expect(await waitFor(() => first.bytes === 21 && second.bytes === 5)).toBe(true);
    expect(proxy.connections().map((c) => [c.number, c.firstLine])).toEqual([
      [1, 'GET /one HTTP/1.1'],
      [2, 'hello'],
    ]);
    first.socket.end();
    expect(await within(first.ended, 1_000)).toBe('end');
  });

  it('refuses a target off loopback', async () => {
    await expect(startFaultProxy('http://192.0.2.1:80')).rejects.toThrow(/loopback only/);
  });

  it('latency delays every chunk', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'latency', direction: 'downstream', latencyMs: 300 });
    const started = Date.now();
    const received = await through('x');
    expect(await waitFor(() => received.bytes === 1)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('slicer cuts a chunk into small pieces', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'slicer', direction: 'downstream', sizeBytes: 10, delayMs: 5 });
    const received = await through('a'.repeat(100));
    expect(await waitFor(() => received.bytes === 100)).toBe(true);
    expect(received.chunks.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...received.chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(20);
  });

  it('bandwidth holds the rate', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'slicer', direction: 'downstream', sizeBytes: 1_000, delayMs: 0 });
    proxy.add({ kind: 'bandwidth', direction: 'downstream', bytesPerSecond: 20_000 });
    const started = Date.now();
    const received = await through(Buffer.alloc(10_000));
    expect(await waitFor(() => received.bytes === 10_000, 3_000)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  });

  it('silent after N bytes: exactly N arrive, then nothing, and no FIN or RST', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'silent', direction: 'downstream', afterBytes: 7 });
    const received = await through('0123456789abcdef');
    expect(await waitFor(() => received.bytes === 7)).toBe(true);
    expect(await within(received.ended, 400)).toBe('pending');
    expect(Buffer.concat(received.chunks).toString()).toBe('0123456');
    expect(proxy.connections()[0]!.cuts).toEqual(['silent downstream']);
    received.socket.destroy();
  });

  it('FIN after N bytes: N arrive, then the end', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'fin', direction: 'downstream', afterBytes: 4 });
    const received = await through('0123456789');
    expect(await within(received.ended, 1_000)).toBe('end');
    expect(Buffer.concat(received.chunks).toString()).toBe('0123');
  });

  it('RST after N bytes: N arrive, then ECONNRESET', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'reset', direction: 'downstream', afterBytes: 4 });
    const received = await through('0123456789');
    expect(await within(received.ended, 1_000)).toBe('ECONNRESET');
    expect(Buffer.concat(received.chunks).toString()).toBe('0123');
  });

  it('upstream toxics cut what the daemon receives', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'silent', direction: 'upstream', afterBytes: 3 });
    const received = await through('abcdef');
    expect(await waitFor(() => received.bytes === 3)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.bytes).toBe(3);
    received.socket.destroy();
  });

  it('selects connections by number', async () => {
    proxy = await startFaultProxy(echoPort);
    proxy.add({ kind: 'fin', direction: 'downstream', afterBytes: 1, connections: [2] });
    const first = await through('abc');
    const second = await through('abc');
    const third = await through('abc');
    expect(await within(second.ended, 1_000)).toBe('end');
    expect(await waitFor(() => first.bytes === 3 && third.bytes === 3)).toBe(true);
    expect(second.bytes).toBe(1);
    for (const { socket } of [first, third]) socket.destroy();
  });

  it('a partition holds every connection, old and new, and the heal delivers what was held', async () => {
    proxy = await startFaultProxy(echoPort);
    const old = await through('a');
    expect(await waitFor(() => old.bytes === 1)).toBe(true);
    proxy.partition();
    old.socket.write('b');
    const fresh = await through('c');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([old.bytes, fresh.bytes]).toEqual([1, 0]);
    expect(await within(fresh.ended, 10)).toBe('pending');
    proxy.heal();
    expect(await waitFor(() => old.bytes === 2 && fresh.bytes === 1)).toBe(true);
    for (const { socket } of [old, fresh]) socket.destroy();
  });
});

describe('fault proxy over HTTP', () => {
  const emulator = useEmulator();

  it('afterHeaders counts from the end of the answer head: headers arrive, the body stops part-way', async () => {
    proxy = await startFaultProxy(emulator.url);
    proxy.add({ kind: 'silent', direction: 'downstream', afterHeaders: true, afterBytes: 5 });
    const received = await through('GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await waitFor(() => Buffer.concat(received.chunks).includes('\r\n\r\n'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const text = Buffer.concat(received.chunks).toString();
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toHaveLength(5);
    received.socket.destroy();
  });

  it('close-on-reuse closes an idle keep-alive connection as the next request arrives, never forwarding it', async () => {
    proxy = await startFaultProxy(emulator.url);
    proxy.add({ kind: 'close-on-reuse', direction: 'upstream', idleMs: 50 });
    expect((await fetch(`${proxy.url}/backups`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await fetch(`${proxy.url}/backups`).then(
      (response) => response.status,
      (error: unknown) => (error instanceof Error ? error.name : 'error'),
    );
    expect(second).toBe('TypeError');
    expect(proxy.connections()[0]!.cuts).toEqual(['close-on-reuse upstream']);
    // a fresh connection is not idle: it goes through
    expect((await fetch(`${proxy.url}/backups`)).status).toBe(200);
  });
});
