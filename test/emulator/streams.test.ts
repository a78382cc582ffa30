import { describe, expect, it } from 'vitest';
import { decode, decodeBackupStreamedProgress, decodeBackupsStreamedProgress } from '../../src/models/index.js';
import { createBackup, openSocket, readNdjson, statusOf, useEmulator, waitFor, wsUrl } from '../helpers/emulator.js';

const ndjson = { accept: 'application/x-ndjson', 'content-type': 'application/json' };
type Frame = { status?: string; percentage?: number | null; backup?: { id: string } };

function parseFrames(lines: readonly string[]): Frame[] {
  return lines.map((line) => decode(decodeBackupStreamedProgress, JSON.parse(line)) as Frame);
}

function expectWellFormedSequence(frames: readonly Frame[], terminal: string): void {
  expect(frames[0]).toMatchObject({ status: 'INITIALIZED', percentage: 0 });
  expect(frames.at(-1)).toMatchObject({ status: terminal });
  const middle = frames.slice(1, -1);
  for (const frame of middle) expect(frame.status).toBe('IN-PROGRESS');
  const percentages = middle.map((frame) => frame.percentage ?? 0);
  expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
  expect(new Set(frames.map((frame) => frame.backup?.id)).size).toBe(1);
}

describe('emulator streams', () => {
  const emulator = useEmulator({ each: true });

  it('streams a creation as NDJSON: INITIALIZED with the id first, COMPLETED last', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const response = await fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: ndjson, body: '{}' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const { lines, rest } = await readNdjson(response);
    expect(rest).toBe('');
    const frames = parseFrames(lines);
    expect(frames.length).toBeGreaterThan(2);
    expectWellFormedSequence(frames, 'COMPLETED');
    expect(frames.at(-1)!.percentage).toBe(100);
    expect(frames[0]!.backup!.id).toMatch(/^9\.0\.0_\d+$/);
  });

  it('answers one final frame as JSON when NDJSON is not asked for', async () => {
    for (const accept of ['application/json', '*/*', undefined]) {
      const response = await fetch(`${emulator.url}/backups/create/streamed`, {
        method: 'POST',
        headers: accept ? { accept } : {},
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const frame = decode(decodeBackupStreamedProgress, await response.json());
      expect(frame).toMatchObject({ status: 'COMPLETED', percentage: 100 });
    }
  });

  it('streams a restoration as NDJSON and, as JSON, answers 200 with CANCELED when canceled', async () => {
    const id = await createBackup(emulator.url);
    const streamed = await fetch(`${emulator.url}/backup/${id}/restore/streamed`, { method: 'POST', headers: ndjson });
    const frames = parseFrames((await readNdjson(streamed)).lines);
    expectWellFormedSequence(frames, 'COMPLETED');
    expect(frames[0]!.backup!.id).toBe(id);

    emulator.current.admin.setState({ rateBytesPerSecond: 20_000 });
    const final = fetch(`${emulator.url}/backup/${id}/restore/streamed`, { method: 'POST' });
    await waitFor(() => emulator.current.admin.operations().restorations[0], 'restoration start');
    expect((await fetch(`${emulator.url}/backup/${id}/restoration/cancel`, { method: 'POST' })).status).toBe(204);
    const response = await final;
    expect(response.status).toBe(200);
    expect(decode(decodeBackupStreamedProgress, await response.json()).status).toBe('CANCELED');
  });

  it('keeps a creation running when its stream is closed after the first frame', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const controller = new AbortController();
    const response = await fetch(`${emulator.url}/backups/create/streamed`, { method: 'POST', headers: ndjson, signal: controller.signal });
    const reader = response.body!.getReader();
    let buffer = '';
    while (!buffer.includes('\n')) buffer += new TextDecoder().decode((await reader.read()).value);
    const first = JSON.parse(buffer.slice(0, buffer.indexOf('\n'))) as Frame;
    controller.abort();
    const id = first.backup!.id;
    await waitFor(async () => ((await statusOf(emulator.url, 'creation', id)).value === 'COMPLETED' ? true : undefined), 'COMPLETED');
  });

  it('creation WebSocket: start frame, frames, close 1000 after the terminal one', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const probe = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await probe.opened;
    probe.socket.send('{}');
    expect(await probe.closed).toEqual({ code: 1000, reason: 'done' });
    const frames = parseFrames(probe.messages);
    expectWellFormedSequence(frames, 'COMPLETED');
  });

  it('restore WebSocket: a second socket attaches to the running restoration instead of starting one', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ rateBytesPerSecond: 200_000 });
    const first = await openSocket(wsUrl(emulator.url, `/backup/${id}/restore/streamed/websocket`));
    await first.opened;
    first.socket.send('{}');
    await first.waitForMessages(2);
    const second = await openSocket(wsUrl(emulator.url, `/backup/${id}/restore/streamed/websocket`));
    await second.opened;
    second.socket.send(JSON.stringify(JSON.parse(first.messages[0]!).backup));
    emulator.current.admin.setState({ rateBytesPerSecond: 50_000_000 });
    expect((await first.closed).code).toBe(1000);
    expect((await second.closed).code).toBe(1000);
    expectWellFormedSequence(parseFrames(first.messages), 'COMPLETED');
    const attached = parseFrames(second.messages);
    expect(attached[0]!.status).toBe('IN-PROGRESS');
    expect(attached.at(-1)!.status).toBe('COMPLETED');
    expect(attached[0]!.backup!.id).toBe(id);
  });

  it('progress WebSocket: a frame on open, frames while running, the ended operation once', async () => {
    const probe = await openSocket(wsUrl(emulator.url, '/backups/streamed/progress'));
    await probe.opened;
    await probe.waitForMessages(1);
    expect(decode(decodeBackupsStreamedProgress, JSON.parse(probe.messages[0]!))).toEqual({ backups: [], restorations: [] });
    emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
    const id = await createBackup(emulator.url);
    const frames = await waitFor(() => {
      const parsed = probe.messages.map((text) => decode(decodeBackupsStreamedProgress, JSON.parse(text)));
      return parsed.some((frame) => frame.backups?.some((item) => item.status === 'COMPLETED')) ? parsed : undefined;
    }, 'a COMPLETED entry');
    const withBackup = frames.filter((frame) => frame.backups?.length);
    expect(withBackup[0]!.backups![0]).toMatchObject({ status: 'INITIALIZED', backup: { id } });
    expect(withBackup.filter((frame) => frame.backups![0]!.status === 'COMPLETED')).toHaveLength(1);
    expect(withBackup.at(-1)!.backups![0]!.status).toBe('COMPLETED');
    // The next change lists only what is running: the finished creation is gone.
    const restore = await fetch(`${emulator.url}/backup/${id}/restore`, { method: 'POST' });
    expect(restore.status).toBe(200);
    const after = await waitFor(() => {
      const parsed = probe.messages.map((text) => decode(decodeBackupsStreamedProgress, JSON.parse(text)));
      return parsed.some((frame) => frame.restorations?.some((item) => item.status === 'COMPLETED')) ? parsed : undefined;
    }, 'a COMPLETED restoration');
    const restorationFrames = after.filter((frame) => frame.restorations?.length);
    for (const frame of restorationFrames) expect(frame.backups).toEqual([]);
    probe.socket.close();
  });

  it('WebSocket cloud checks close 4511 / 4505 with the reason; bad start frame 4400; unknown 4404; conflict 4409', async () => {
    const id = await createBackup(emulator.url);
    emulator.current.admin.setState({ cloudConnected: false });
    const offline = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await offline.opened;
    offline.socket.send('{}');
    const closedOffline = await offline.closed;
    expect(closedOffline.code).toBe(4511);
    expect(closedOffline.reason).toMatch(/cloud/);

    emulator.current.admin.setState({ cloudConnected: true, osUpToDate: false });
    const outdated = await openSocket(wsUrl(emulator.url, `/backup/${id}/restore/streamed/websocket`));
    await outdated.opened;
    outdated.socket.send('{}');
    expect((await outdated.closed).code).toBe(4505);

    emulator.current.admin.setState({ osUpToDate: true });
    const malformed = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await malformed.opened;
    malformed.socket.send('not json');
    expect((await malformed.closed).code).toBe(4400);
    const wrongShape = await openSocket(wsUrl(emulator.url, `/backup/${id}/restore/streamed/websocket`));
    await wrongShape.opened;
    wrongShape.socket.send('{"id": 5}');
    expect((await wrongShape.closed).code).toBe(4400);

    const unknown = await openSocket(wsUrl(emulator.url, '/backup/9.0.0_1/restore/streamed/websocket'));
    await unknown.opened;
    unknown.socket.send('{}');
    expect((await unknown.closed).code).toBe(4404);

    emulator.current.admin.setState({ rateBytesPerSecond: 20_000 });
    expect((await fetch(`${emulator.url}/backup`, { method: 'POST' })).status).toBe(204);
    const conflict = await openSocket(wsUrl(emulator.url, '/backups/create/streamed/websocket'));
    await conflict.opened;
    conflict.socket.send('{}');
    const closedConflict = await conflict.closed;
    expect(closedConflict.code).toBe(4409);
    expect(closedConflict.reason).toContain('already in progress');
    expect(conflict.messages).toEqual([]);
  });
});
