import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  UpdateRequiredError,
} from '../../src/api/errors/index.js';
import type { BackupsStreamedProgress } from '../../src/models/index.js';
import { startCreation, type OperationProgress, type RetryNotice } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, backupOf, frameOf, statusOf } from '../helpers/fake-client.js';

const ID = '9.0.0_2000';
const ws = { method: 'GET', url: 'ws://fake.invalid/backups/create/streamed/websocket' };

function run(client: FakeClient, clock: VirtualClock, options: Parameters<typeof startCreation>[1]) {
  const seen = { values: [] as OperationProgress[], error: undefined as unknown, completed: false };
  const subscription = startCreation(client, { scheduler: clock.scheduler, random: () => 0.5, ...options }).subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

const summary = (values: OperationProgress[]) => values.map((p) => `${p.status} ${p.percentage} ${p.transport}`);

describe('startCreation over a stream', () => {
  it('maps WebSocket frames to progress, drops no-change frames, completes at the terminal frame', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, { transport: 'websocket' });
    const [source] = client.sourcesOf('createWebSocket');
    expect(source!.opened).toBe(1);

    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    source!.emit({ status: 'IN-PROGRESS', percentage: 10.2 });
    source!.emit({ status: 'IN-PROGRESS', percentage: 10.8 });
    await clock.advance(500);
    source!.emit({ status: 'IN-PROGRESS', percentage: 50 });
    source!.emit({ status: 'COMPLETED', percentage: 100, backup: backupOf(ID) });

    expect(summary(seen.values)).toEqual([
      'INITIALIZED 0 websocket',
      'IN-PROGRESS 10.2 websocket',
      'IN-PROGRESS 50 websocket',
      'COMPLETED 100 websocket',
    ]);
    expect(seen.values.every((p) => p.backupId === ID && p.kind === 'creation')).toBe(true);
    expect(seen.values.map((p) => p.at)).toEqual([0, 0, 500, 500]);
    expect(seen.completed).toBe(true);
    expect(source!.closed).toBe(1);
    expect(client.calls).toHaveLength(0);
  });

  it('uses the NDJSON stream for the ndjson transport', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, { transport: 'ndjson', seed: {} });
    const [source] = client.sourcesOf('createStreamedFrames');
    expect(source!.args).toEqual([{}]);
    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    source!.emit(frameOf(ID, 'FAILED', 30));
    expect(summary(seen.values)).toEqual(['INITIALIZED 0 ndjson', 'FAILED 30 ndjson']);
    expect(seen.completed).toBe(true);
  });

  it('falls back to polling when no frame arrives within stallTimeoutMs', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, { transport: 'websocket', stallTimeoutMs: 2_000, recoverStream: false });
    const [source] = client.sourcesOf('createWebSocket');
    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    await clock.advance(1_500);
    source!.emit({ status: 'IN-PROGRESS', percentage: 20 });
    await clock.advance(1_999);
    expect(client.callsOf('creationStatus')).toHaveLength(0);
    await clock.advance(1);

    expect(source!.isOpen).toBe(false);
    const [poll] = client.pending('creationStatus');
    expect(poll!.args).toEqual([ID]);
    poll!.resolve(statusOf(ID, 'IN-PROGRESS', 35));
    await clock.settle();
    client.respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
    await clock.advance(10_000);

    expect(summary(seen.values)).toEqual([
      'INITIALIZED 0 websocket',
      'IN-PROGRESS 20 websocket',
      'IN-PROGRESS 35 polling',
      'COMPLETED 100 polling',
    ]);
    expect(seen.completed).toBe(true);
  });

  it('falls back to polling when the stream drops (NetworkError) or ends before a terminal frame', async () => {
    for (const end of ['drop', 'clean-close'] as const) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
      const { seen } = run(client, clock, { transport: 'ndjson', recoverStream: false });
      const [source] = client.sourcesOf('createStreamedFrames');
      source!.emit(frameOf(ID, 'INITIALIZED', 0));
      source!.emit({ status: 'IN-PROGRESS', percentage: 70 });
      if (end === 'drop') source!.fail(new NetworkError(ws));
      else source!.complete();
      await clock.advance(100);
      expect(summary(seen.values)).toEqual(['INITIALIZED 0 ndjson', 'IN-PROGRESS 70 ndjson', 'COMPLETED 100 polling']);
      expect(seen.completed).toBe(true);
      expect(seen.error).toBeUndefined();
    }
  });

  it('treats a malformed frame as a stream failure: polls, and errors if polling fails too', async () => {
    const clock = new VirtualClock();
    const missing = new NotFoundError({ method: 'GET', url: 'x' });
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => {
      throw missing;
    });
    const { seen } = run(client, clock, { transport: 'websocket', recoverStream: false });
    const [source] = client.sourcesOf('createWebSocket');
    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    source!.fail(new ProtocolError({ message: 'bad frame', url: ws.url }));
    // a 404 for a creation seen running: the list and the progress socket are asked too, for one read timeout
    await clock.advance(10_000);
    expect(client.callsOf('creationStatus')).toHaveLength(1);
    expect(seen.error).toBe(missing);
  });

  it('errors on a start error and never falls back', async () => {
    for (const failure of [new ConflictError({ ...ws, body: 'creation 9.0.0_1 in progress' }), new UpdateRequiredError(ws)]) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now());
      const { seen } = run(client, clock, { transport: 'websocket' });
      client.sourcesOf('createWebSocket')[0]!.fail(failure);
      await clock.advance(30_000);
      expect(seen.error).toBe(failure);
      expect(client.calls).toHaveLength(0);
      expect(client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')).toHaveLength(0);
    }
  });

  it('with no retry left, errors when the stream fails before its first frame and the daemon shows no creation of ours', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('list', () => ({ iterable: [backupOf('9.0.0_1000')] }));
    const nothingRunning: BackupsStreamedProgress = { backups: [], restorations: [] };
    // retry 0: the proof that nothing ran would start it again (see the next test)
    const dropped = run(client, clock, { transport: 'websocket', retry: 0 });
    const drop = new NetworkError(ws);
    client.sourcesOf('createWebSocket')[0]!.fail(drop);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit(nothingRunning);
    await clock.settle();
    expect(dropped.seen.error).toBe(drop);

    const stalled = run(client, clock, { transport: 'websocket', stallTimeoutMs: 3_000, retry: 0 });
    await clock.advance(3_000);
    expect(client.sourcesOf('createWebSocket')[1]!.isOpen).toBe(false);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[1]!.emit(nothingRunning);
    await clock.settle();
    expect((stalled.seen.error as Error).name).toBe('TimeoutError');

    const anonymous = run(client, clock, { transport: 'websocket', retry: 0 });
    client.sourcesOf('createWebSocket')[2]!.emit(frameOf(undefined, 'INITIALIZED', 0));
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[2]!.emit(nothingRunning);
    await clock.settle();
    expect((anonymous.seen.error as Error).name).toBe('ProtocolError');
    // asked the daemon each time; started nothing else
    expect(client.calls.map((call) => call.method)).toEqual(['list', 'list', 'list']);
  });

  it('starts again by itself when the daemon shows nothing of ours ran, one retry of the budget each, told to onRetry (issue 16)', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('list', () => ({ iterable: [backupOf('9.0.0_1000')] }));
    const nothingRunning: BackupsStreamedProgress = { backups: [], restorations: [] };
    const notices: Array<RetryNotice | null> = [];
    const { seen } = run(client, clock, { transport: 'websocket', retry: 1, onRetry: (notice) => notices.push(notice) });
    const drop = new NetworkError(ws);
    client.sourcesOf('createWebSocket')[0]!.fail(drop);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit(nothingRunning);
    // the backoff's first wait, shorter than a stall
    await clock.advance(1_000);
    expect(notices).toEqual([expect.objectContaining({ attempt: 1, error: drop })]);
    // the second attempt follows to the end
    const again = client.sourcesOf('createWebSocket')[1]!;
    again.emit(frameOf(ID, 'IN-PROGRESS', 50));
    again.emit(frameOf(ID, 'COMPLETED', 100));
    await clock.settle();
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 50 websocket', 'COMPLETED 100 websocket']);
    expect(notices.map((n) => n && n.attempt)).toEqual([1, null]);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 50 websocket', 'COMPLETED 100 websocket']);
    expect(seen.completed).toBe(true);

    // the budget spent: the third drop stands, and no third attempt is made
    const spent = run(client, clock, { transport: 'websocket', retry: 1 });
    for (const index of [2, 3]) {
      client.sourcesOf('createWebSocket')[index]!.fail(drop);
      client.sourcesOf<BackupsStreamedProgress>('progressWebSocket').at(-1)!.emit(nothingRunning);
      await clock.advance(1_000);
    }
    expect(spent.seen.error).toBe(drop);
    expect(client.sourcesOf('createWebSocket')).toHaveLength(4);
  });

  it('a daemon that cannot be asked leaves the start failed, never started again', async () => {
    const clock = new VirtualClock();
    const unreadable = new ServerError({ method: 'GET', url: 'x', status: 503 });
    const client = new FakeClient(() => clock.now()).respond('list', () => {
      throw unreadable;
    });
    const { seen } = run(client, clock, { transport: 'websocket' });
    const drop = new NetworkError(ws);
    client.sourcesOf('createWebSocket')[0]!.fail(drop);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.fail(new NetworkError(ws));
    await clock.advance(60_000);
    expect(seen.error).toBe(drop);
    expect(client.sourcesOf('createWebSocket')).toHaveLength(1);
  });

  it('before its first frame, follows the creation the daemon accepted anyway (defect 2 of #6)', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const running = run(client, clock, { transport: 'websocket', recoverStream: false });
    client.sourcesOf('createWebSocket')[0]!.fail(new NetworkError(ws));
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 20)], restorations: [] });
    await clock.advance(5_000);
    expect(summary(running.seen.values)).toEqual(['IN-PROGRESS 20 websocket', 'COMPLETED 100 polling']);
    expect(running.seen.values.every((p) => p.backupId === ID)).toBe(true);
    expect(running.seen.completed).toBe(true);

    // it completed before we looked: the backup stamped after our request is ours
    const later = { ...backupOf('9.0.0_1'), id: 'later', timestamp: String(Date.now() + 60_000) };
    const other = new FakeClient(() => clock.now()).respond('list', () => ({ iterable: [backupOf('9.0.0_1000'), later] }));
    const completed = run(other, clock, { transport: 'ndjson' });
    other.sourcesOf('createStreamedFrames')[0]!.fail(new NetworkError(ws));
    other.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit({ backups: [], restorations: [] });
    await clock.settle();
    expect(summary(completed.seen.values)).toEqual(['COMPLETED 100 polling']);
    expect(completed.seen.values[0]!.backupId).toBe('later');
    expect(completed.seen.completed).toBe(true);
  });

  it('with recoverStream, switches back to the progress WebSocket once it lists the creation', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'IN-PROGRESS', 40));
    const { seen } = run(client, clock, { transport: 'websocket', maxIntervalMs: 1_000 });
    const [stream] = client.sourcesOf('createWebSocket');
    stream!.emit(frameOf(ID, 'INITIALIZED', 0));
    stream!.emit({ status: 'IN-PROGRESS', percentage: 30 });
    stream!.fail(new NetworkError(ws));
    await clock.advance(2_500);
    expect(client.callsOf('creationStatus').length).toBeGreaterThanOrEqual(2);

    const [progress] = client.sourcesOf<BackupsStreamedProgress>('progressWebSocket');
    expect(progress!.isOpen).toBe(true);
    progress!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 60)], restorations: [] });
    const pollsAtSwitch = client.callsOf('creationStatus').length;
    await clock.advance(5_000);
    progress!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 61)], restorations: [] });
    await clock.advance(5_000);
    // polling stopped while the socket lists the creation
    expect(client.callsOf('creationStatus')).toHaveLength(pollsAtSwitch);

    progress!.emit({ backups: [frameOf(ID, 'COMPLETED', 100)], restorations: [] });
    expect(summary(seen.values)).toEqual([
      'INITIALIZED 0 websocket',
      'IN-PROGRESS 30 websocket',
      'IN-PROGRESS 40 polling',
      'IN-PROGRESS 60 websocket',
      'IN-PROGRESS 61 websocket',
      'COMPLETED 100 websocket',
    ]);
    expect(seen.completed).toBe(true);
    expect(progress!.isOpen).toBe(false);
  });

  it('resumes polling when the progress socket stops listing the creation without a terminal frame', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'IN-PROGRESS', 40));
    const { seen } = run(client, clock, { transport: 'websocket' });
    const [stream] = client.sourcesOf('createWebSocket');
    stream!.emit(frameOf(ID, 'INITIALIZED', 0));
    stream!.fail(new NetworkError(ws));
    await clock.settle();
    const [progress] = client.sourcesOf<BackupsStreamedProgress>('progressWebSocket');
    progress!.emit({ backups: [frameOf(ID, 'IN-PROGRESS', 90)] });
    const polls = client.callsOf('creationStatus').length;

    client.respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
    progress!.emit({ backups: [] });
    await clock.settle();
    expect(client.callsOf('creationStatus')).toHaveLength(polls + 1);
    expect(summary(seen.values).slice(-2)).toEqual(['IN-PROGRESS 90 websocket', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
  });

  it('polling transport: learns the id from the first NDJSON frame, closes the stream, polls', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, { transport: 'polling' });
    const [source] = client.sourcesOf('createStreamedFrames');
    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    expect(source!.isOpen).toBe(false);
    await clock.settle();
    client.pending('creationStatus')[0]!.resolve(statusOf(ID, 'IN-PROGRESS', 10));
    client.respond('creationStatus', () => statusOf(ID, 'COMPLETED', 100));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['INITIALIZED 0 ndjson', 'IN-PROGRESS 10 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
    expect(client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')).toHaveLength(0);
  });

  it('closes every stream and stops polling on unsubscribe', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { subscription } = run(client, clock, { transport: 'websocket' });
    const [stream] = client.sourcesOf('createWebSocket');
    stream!.emit(frameOf(ID, 'INITIALIZED', 0));
    stream!.fail(new NetworkError(ws));
    await clock.settle();
    const [poll] = client.pending('creationStatus');
    subscription.unsubscribe();
    expect(poll!.signal!.aborted).toBe(true);
    expect(client.sources.every((source) => !source.isOpen)).toBe(true);
    expect(clock.scheduler.actions).toHaveLength(0);
  });
});

describe('startCreation stall detection', () => {
  it('is off with stallTimeoutMs 0: a quiet stream is simply waited for', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(client, clock, { transport: 'websocket', stallTimeoutMs: 0 });
    const [source] = client.sourcesOf('createWebSocket');
    source!.emit(frameOf(ID, 'INITIALIZED', 0));
    await clock.advance(600_000);
    expect(source!.isOpen).toBe(true);
    expect(clock.scheduler.actions).toHaveLength(0);
    source!.emit(frameOf(ID, 'COMPLETED', 100));
    expect(seen.completed).toBe(true);
    expect(client.calls).toHaveLength(0);
  });
});
