import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Toxic } from '../../reliability/fault-proxy.js';
import { proxyCases, runProxyCase, TRANSPORTS, type ProxyCase } from '../../reliability/proxy-faults.js';

// Issue #16, item 1: reads whose connection went silent after the headers and part of the
// body hung with no bound (ky's timeout ends at the headers). Through the TCP fault proxy,
// the emulator's truth read past it. On the old transport both cases stayed `running` /
// `starting` until the bound.

const BOUND_MS = 20_000;

/** Silent after the headers and 10 bytes of the body, on the first connection whose first request matches. */
function silentMidBody(firstRequest: RegExp): Toxic {
  let chosen: number | undefined;
  return {
    kind: 'silent',
    direction: 'downstream',
    afterHeaders: true,
    afterBytes: 10,
    connections: ({ number, firstLine }) => {
      if (chosen === undefined && firstRequest.test(firstLine)) chosen = number;
      return number === chosen;
    },
  };
}

async function expectSettledRight(proxyCase: ProxyCase) {
  const result = await runProxyCase(proxyCase, BOUND_MS);
  const said = `${result.end} ${result.reasons.join('; ')} | ${result.wire.join(' ')}`;
  expect(result.end, said).not.toBe('hang');
  expect(result.verdict, said).not.toBe('wrong');
  // the daemon stayed reachable and the operation ran: the lifecycle follows it to its end
  expect(result.end, said).toBe('done');
  return result;
}

describe('a read that goes silent part-way through its body ends', () => {
  it('following a creation by polling, one status read goes silent after its headers', { timeout: 40_000 }, async () => {
    const result = await expectSettledRight({
      name: 'status read silent',
      lifecycle: 'backup',
      transport: 'polling',
      kind: 'silent',
      toxics: [silentMidBody(/^GET \/backup\/[^/]+\/creation\/status /)],
      freshConnections: true,
    });
    expect(result.wire.some((line) => line.includes('creation/status') && line.includes('silent downstream'))).toBe(true);
  });

  for (const transport of TRANSPORTS) {
    // the baseline is the first restoration status read (the preflight's reads come before it)
    it(`a restoration over ${transport} whose first status read (the baseline) goes silent`, { timeout: 40_000 }, async () => {
      const result = await expectSettledRight({
        name: `baseline silent ${transport}`,
        lifecycle: 'restore',
        transport,
        kind: 'silent',
        toxics: [silentMidBody(/^GET \/backup\/[^/]+\/restoration\/status /)],
        freshConnections: true,
      });
      expect(result.wire.find((line) => line.includes('restoration/status'))).toMatch(/^#\d+ GET \/backup\/[^/]+\/restoration\/status .*\[silent downstream\]$/);
    });
  }
});

describe('under GC pressure', () => {
  // The first fix aborted the stalled read through the request's signal; the full probe still
  // hung 4 of 360 lifecycles, because a follower signal (AbortSignal.any, undici's Request)
  // can be collected before the abort. These four hung every time with a collection every 20 ms.
  it('the same silent reads end while the heap is collected every 20 ms', { timeout: 60_000 }, async () => {
    const script = path.join(import.meta.dirname, 'silent-reads-gc.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', script], { timeout: 50_000 });
    expect(stdout.trim().split('\n')).toEqual([
      'silent#1 restore websocket: done ok',
      'silent#3 restore ndjson: done ok',
      'silent#9 restore ndjson cancel@150: cancelled ok',
      'silent#40 backup polling: done ok',
    ]);
  });
});

describe('the probe plan', () => {
  it('covers every fault kind, both lifecycles, three transports, with and without CANCEL', () => {
    const cases = proxyCases('full');
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.kind)).size).toBe(9);
    expect(new Set(cases.map((c) => `${c.lifecycle} ${c.transport}`)).size).toBe(6);
    expect(cases.some((c) => c.cancelAtMs !== undefined) && cases.some((c) => c.cancelAtMs === undefined)).toBe(true);
    const partitions = cases.filter((c) => c.partition).map((c) => c.partition!.forMs);
    expect(Math.min(...partitions)).toBeLessThan(4_000);
    expect(Math.max(...partitions)).toBeGreaterThan(4_000);
  });

  it('the CI slice runs a few of each kind, on every transport and both lifecycles', () => {
    const slice = proxyCases('ci');
    expect(slice.length).toBeLessThan(30);
    for (const kind of new Set(proxyCases('full').map((c) => c.kind))) expect(slice.filter((c) => c.kind === kind).length).toBeGreaterThanOrEqual(2);
    expect(new Set(slice.map((c) => c.transport)).size).toBe(3);
    expect(new Set(slice.map((c) => c.lifecycle)).size).toBe(2);
    expect(slice.some((c) => c.cancelAtMs !== undefined)).toBe(true);
  });
});
