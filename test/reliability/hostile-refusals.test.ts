import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/emulator/http-io.js';
import { openSocket, rawRequest, useEmulator, wsUrl } from '../helpers/emulator.js';

// Found by the reliability suite's hostile-input probe (#11): refusals that said nothing.

/** Writes `head` and then nothing more; resolves with what the server answers before closing. */
function halfRequest(baseUrl: string, head: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname, () => socket.write(head));
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

describe('refusals that say why', () => {
  const emulator = useEmulator({ maxBodyBytes: 64 * 1024 });

  it('closes a WebSocket frame over the body cap with 4413 and a reason (ws alone sent a bare 1009)', async () => {
    for (const route of ['/backups/create/streamed/websocket', '/backups/streamed/progress']) {
      const probe = await openSocket(wsUrl(emulator.url, route));
      await probe.opened;
      probe.socket.send('x'.repeat(65 * 1024));
      expect(await probe.closed).toEqual({ code: 4413, reason: 'frame too large: at most 65536 bytes' });
    }
    // a frame within the cap still starts a creation
    const creation = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await creation.opened;
    creation.socket.send('{}');
    expect((await creation.closed).code).toBe(1000);
  });

  it('answers a slow-loris request head with 408 and a message instead of a bare 400 after a minute', { timeout: 30_000 }, async () => {
    const answer = await halfRequest(emulator.url, 'GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: y\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toContain('request timeout: the request head must arrive within 10 s');
  });

  it('refuses JSON nested deeper than 64 levels, as a body (400) and as a start frame (4400), and starts nothing', async () => {
    const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const operationsBefore = emulator.current.admin.journal().length;
    for (const route of ['/backups/create', '/backups/create/streamed', '/backup', '/backup/asset']) {
      const response = await rawRequest(emulator.url, { method: 'POST', path: route, headers: { 'content-type': 'application/json' }, body: deepObject });
      expect([route, response.status, response.body]).toEqual([route, 400, 'JSON body nested deeper than 64 levels\n']);
    }
    const socket = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await socket.opened;
    socket.socket.send(deepObject);
    expect(await socket.closed).toEqual({ code: 4400, reason: 'start frame nested deeper than 64 levels' });
    expect(emulator.current.admin.journal()).toHaveLength(operationsBefore);
    // 64 levels of a shape the server ignores are still fine
    const ok = await rawRequest(emulator.url, { method: 'POST', path: '/backups/create', headers: { 'content-type': 'application/json' }, body: `{"x":${'['.repeat(63)}${']'.repeat(63)}}` });
    expect(ok.status).toBe(200);
  });

  it('counts nesting outside strings only', () => {
    expect(nestsDeeperThan('[[[]]]', 3)).toBe(false);
    expect(nestsDeeperThan('[[[[]]]]', 3)).toBe(true);
    expect(nestsDeeperThan('{"a":"[[[[[[\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('[1],[2],[3],[4]', 1)).toBe(false);
  });

  it('answers oversized request headers with 431', async () => {
    const answer = await halfRequest(emulator.url, `GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Big: y\r\n'.repeat(3_000)}\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('request header fields too large');
  });
});
