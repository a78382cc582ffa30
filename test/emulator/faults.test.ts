import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminFetch, createBackup, openSocket, readNdjson, statusOf, useEmulator, waitFor, wsUrl } from '../helpers/emulator.js';

const ndjson = { accept: 'application/x-ndjson' };

describe('emulator faults', () => {
  const emulator = useEmulator({ each: true });
  const url = (route: string) => `${emulator.url}${route}`;

  it('a request delayed by latencyMs when the emulator closes does not touch its files', async () => {
    const own = emulator.current;
    own.admin.injectFault({ operation: 'backup', latencyMs: 200 });
    const late = fetch(url('/backup'), { method: 'POST' }).then(
      (response) => response.status,
      () => 'dropped',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await own.close();
    expect(await late).toBe('dropped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.existsSync(own.dataDir)).toBe(false);
  });

  it('latencyMs delays the answer; times limits how many requests a fault hits', async () => {
    await adminFetch(emulator.url, 'POST', 'faults', { operation: 'backups_snapshot', latencyMs: 300, times: 1 });
    const started = Date.now();
    expect((await fetch(url('/backups'))).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await adminFetch(emulator.url, 'GET', 'faults')).toEqual([]);
  });

  it('status forces an answer (text for errors) without running the operation, `times` times', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup', status: 503, body: 'daemon busy', times: 2 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await fetch(url('/backups/create'), { method: 'POST' });
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toBe('daemon busy\n');
    }
    expect(emulator.current.admin.operations().creations).toEqual([]);
    expect((await fetch(url('/backups/create'), { method: 'POST' })).status).toBe(200);
    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', status: 500 });
    expect((await fetch(url('/backup/9.0.0_1/creation/status'))).status).toBe(500);
    emulator.current.admin.clearFaults();
    expect((await fetch(url('/backup/9.0.0_1/creation/status'))).status).toBe(404);
  });

  it('reset destroys the connection without an answer', async () => {
    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', reset: true, times: 1 });
    await expect(fetch(url('/backup/9.0.0_1/creation/status'))).rejects.toThrow();
    expect((await fetch(url('/.well-known/health'))).status).toBe(200);
  });

  it('truncate cuts a JSON body in half; malformed gives a field the wrong type', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', truncate: true, times: 1 });
    const cut = await fetch(url(`/backup/${id}/creation/status`));
    expect(cut.status).toBe(200);
    const body = await cut.text();
    expect(() => JSON.parse(body)).toThrow();
    expect(body.startsWith('{"value":"COMPLETED"')).toBe(true);

    emulator.current.admin.injectFault({ operation: 'backup_specific_creation_status', malformed: true, times: 1 });
    expect(await (await fetch(url(`/backup/${id}/creation/status`))).json()).toMatchObject({ value: 'COMPLETED', percentage: 'lots' });
    emulator.current.admin.injectFault({ operation: 'backups_snapshot', malformed: true, times: 1 });
    expect(await (await fetch(url('/backups'))).json()).toMatchObject({ iterable: 'lots' });
    emulator.current.admin.injectFault({ operation: 'backup_specific_backup_snapshot', malformed: true, times: 1 });
    expect(await (await fetch(url(`/backup/${id}`))).json()).toMatchObject({ id, bytes: 'lots' });
  });

  it('stallAfterFrames: N frames, then silence on an open stream while the operation completes', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', stallAfterFrames: 1 });
    const controller = new AbortController();
    const response = await fetch(url('/backups/create/streamed'), { method: 'POST', headers: ndjson, signal: controller.signal });
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    const id = (JSON.parse(text.split('\n')[0]!) as { backup: { id: string } }).backup.id;
    await waitFor(async () => ((await statusOf(emulator.url, 'creation', id)).value === 'COMPLETED' ? true : undefined), 'COMPLETED');
    const next = await Promise.race([reader.read().then(() => 'data'), new Promise((resolve) => setTimeout(() => resolve('silent'), 300))]);
    expect(next).toBe('silent');
    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    controller.abort();
  });

  it('resetAfterFrames drops the stream after N frames; the operation still completes', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', resetAfterFrames: 2, times: 1 });
    const response = await fetch(url('/backups/create/streamed'), { method: 'POST', headers: ndjson });
    const frames: unknown[] = [];
    await expect(readNdjson(response, (frame) => frames.push(frame))).rejects.toThrow();
    expect(frames).toHaveLength(2);
    await waitFor(() => (emulator.current.admin.operations().creations.length === 0 ? true : undefined), 'creation end');
    const list = (await (await fetch(url('/backups'))).json()) as { iterable: unknown[] };
    expect(list.iterable).toHaveLength(1);
  });

  it('truncate on NDJSON: one whole frame, then half a line, then the end', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', truncate: true, times: 1 });
    const response = await fetch(url('/backups/create/streamed'), { method: 'POST', headers: ndjson });
    const { lines, rest } = await readNdjson(response);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 'INITIALIZED' });
    expect(rest.length).toBeGreaterThan(0);
    expect(() => JSON.parse(rest)).toThrow();
  });

  it('malformed on NDJSON inserts one frame that is not JSON', async () => {
    emulator.current.admin.injectFault({ operation: 'backups_create_new_backup_streamed', malformed: true, times: 1 });
    const response = await fetch(url('/backups/create/streamed'), { method: 'POST', headers: ndjson });
    const { lines } = await readNdjson(response);
    const broken = lines.filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
    expect(broken).toHaveLength(1);
    expect(lines.indexOf(broken[0]!)).toBe(1);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ status: 'COMPLETED' });
  });

  it('WebSocket faults: status refuses the upgrade, reset drops it, resetAfterFrames and malformed hit frames', async () => {
    const route = wsUrl(emulator.url, '/backups/create/streamed/websocket');
    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', status: 502, times: 1 });
    const refused = await openSocket(route);
    await expect(refused.opened).rejects.toThrow(/502/);

    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', reset: true, times: 1 });
    const dropped = await openSocket(route);
    await expect(dropped.opened).rejects.toThrow();

    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', resetAfterFrames: 1, times: 1 });
    const cut = await openSocket(route);
    await cut.opened;
    cut.socket.send('{}');
    expect((await cut.closed).code).toBe(1006);
    expect(cut.messages).toHaveLength(1);
    await waitFor(() => (emulator.current.admin.operations().creations.length === 0 ? true : undefined), 'creation end');

    emulator.current.admin.injectFault({ operation: 'backups_create_streamed_websocket', malformed: true, times: 1 });
    const garbled = await openSocket(route);
    await garbled.opened;
    garbled.socket.send('{}');
    expect((await garbled.closed).code).toBe(1000);
    expect(() => JSON.parse(garbled.messages[1]!)).toThrow();
    expect(JSON.parse(garbled.messages.at(-1)!)).toMatchObject({ status: 'COMPLETED' });

    emulator.current.admin.injectFault({ operation: 'backups_streamed_progress_websocket', stallAfterFrames: 0, times: 1 });
    const silent = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'));
    await silent.opened;
    await createBackup(emulator.url);
    expect(silent.messages).toEqual([]);
    silent.socket.close();
  });

  it('the admin fault surface rejects malformed specs with 400 text', async () => {
    for (const spec of [{ operation: 'nope' }, { operation: 'backup', times: -1 }, { operation: 'backup', status: 99 }, { operation: 'backup', colour: 1 }]) {
      const response = await fetch(url('/__emulator/faults'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
      expect(response.status, JSON.stringify(spec)).toBe(400);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
    expect(() => emulator.current.admin.injectFault({ operation: 'backup', latencyMs: -5 })).toThrow(/latencyMs/);
    await adminFetch(emulator.url, 'POST', 'faults', { operation: 'backup', status: 500 });
    await adminFetch(emulator.url, 'DELETE', 'faults');
    expect(await adminFetch(emulator.url, 'GET', 'faults')).toEqual([]);
  });
});
