import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DAEMON_PORTS, discoverDaemon, isAbortedError, isDaemonNotFoundError } from '../../src/api/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { TEST_EMULATOR_OPTIONS, useEmulator } from '../helpers/emulator.js';
import { closedPort, recordingFetch } from './support.js';

const emulator = useEmulator();

/**
 * A fetch that sends each probe of a default port to a real loopback server instead: the port
 * `routes` names, or `fallback` (nothing listening). Records when each probe started and ended.
 */
function routingFetch(routes: Record<number, number>, fallback: number) {
  const probes: Array<{ port: number; startedAt: number; endedAt?: number }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const probe: { port: number; startedAt: number; endedAt?: number } = { port: Number(url.port), startedAt: performance.now() };
    probes.push(probe);
    url.port = String(routes[probe.port] ?? fallback);
    try {
      return await globalThis.fetch(url, init);
    } finally {
      probe.endedAt = performance.now();
    }
  };
  return { fetch, probes };
}

// Answers 200 to everything, but not as Pieces OS does.
let impostor: http.Server;
let impostorPort: number;
beforeAll(async () => {
  impostor = http.createServer((_request, response) => response.end('hello'));
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  impostorPort = (impostor.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => impostor.close(() => resolve()));
});

describe('discoverDaemon', () => {
  it('skips a closed port and finds the emulator', async () => {
    const url = await discoverDaemon({ ports: [await closedPort(), emulator.current.port] });
    expect(url).toBe(emulator.url);
  });

  it('ignores a server whose health answer is not `ok...`', async () => {
    const url = await discoverDaemon({ ports: [impostorPort, emulator.current.port] });
    expect(url).toBe(emulator.url);
  });

  it('returns the first answering port in the given order, not the fastest', async () => {
    const second: Emulator = await startEmulator(TEST_EMULATOR_OPTIONS);
    try {
      const ports = [await closedPort(), second.port, emulator.current.port];
      expect(await discoverDaemon({ ports, concurrency: 3 })).toBe(second.url);
      expect(await discoverDaemon({ ports: [emulator.current.port, second.port], concurrency: 1 })).toBe(emulator.url);
    } finally {
      await second.close();
    }
  });

  it('DaemonNotFoundError listing every probed url when nothing answers', async () => {
    const ports = [await closedPort(), impostorPort];
    const error = await discoverDaemon({ ports }).catch((caught: unknown) => caught);
    expect(isDaemonNotFoundError(error)).toBe(true);
    expect(isDaemonNotFoundError(error) && error.probed).toEqual(ports.map((port) => `http://127.0.0.1:${port}`));
  });

  it('probes GET /.well-known/health through the given fetch, stopping at the first batch that answers', async () => {
    const recorder = recordingFetch();
    const ports = [await closedPort(), emulator.current.port, await closedPort(), await closedPort()];
    await discoverDaemon({ ports, fetch: recorder.fetch, concurrency: 2 });
    expect(recorder.requests.map((request) => new URL(request.url).pathname)).toEqual(['/.well-known/health', '/.well-known/health']);
  });

  it('an aborted signal -> AbortedError', async () => {
    const error = await discoverDaemon({ ports: [emulator.current.port], signal: AbortSignal.abort() }).catch((caught: unknown) => caught);
    expect(isAbortedError(error)).toBe(true);
  });

  it('with the default ports, probes the usual 39300 alone and stops there when it answers: one request', async () => {
    const routed = routingFetch({ 39300: emulator.current.port }, await closedPort());
    expect(await discoverDaemon({ fetch: routed.fetch })).toBe('http://127.0.0.1:39300');
    expect(routed.probes.map((probe) => probe.port)).toEqual([39300]);
  });

  it('with the default ports, probes the rest only after 39300 has not answered, in batches', async () => {
    const routed = routingFetch({ 39305: emulator.current.port }, await closedPort());
    expect(await discoverDaemon({ fetch: routed.fetch, concurrency: 4 })).toBe('http://127.0.0.1:39305');
    expect(routed.probes.map((probe) => probe.port)).toEqual([39300, 39301, 39302, 39303, 39304, 39305, 39306, 39307, 39308]);
    const [usual, ...rest] = routed.probes;
    expect(Math.min(...rest.map((probe) => probe.startedAt))).toBeGreaterThanOrEqual(usual!.endedAt!);
  });

  it('given ports are probed in batches from the first (no probe alone)', async () => {
    const routed = routingFetch({}, await closedPort());
    await discoverDaemon({ fetch: routed.fetch, ports: [39300, 39301], concurrency: 2 }).catch(() => undefined);
    const [first, second] = routed.probes;
    expect(second!.startedAt).toBeLessThan(first!.endedAt!);
  });

  it('defaults to 39300..39333 then 1000', () => {
    expect(DEFAULT_DAEMON_PORTS[0]).toBe(39300);
    expect(DEFAULT_DAEMON_PORTS.at(-2)).toBe(39333);
    expect(DEFAULT_DAEMON_PORTS.at(-1)).toBe(1000);
    expect(DEFAULT_DAEMON_PORTS).toHaveLength(35);
  });
});
