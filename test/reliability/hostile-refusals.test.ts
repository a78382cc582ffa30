import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openSocket, useEmulator, wsUrl } from '../helpers/emulator.js';

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

  it('answers oversized request headers with 431', async () => {
    const answer = await halfRequest(emulator.url, `GET /backups HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Big: y\r\n'.repeat(3_000)}\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('request header fields too large');
  });
});
