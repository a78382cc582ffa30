import { describe, expect, it } from 'vitest';
import {
  AuthenticationRequiredError,
  ConflictError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
} from '../../src/api/errors/index.js';
import type { BackupStatus } from '../../src/models/index.js';
import { startRestoration, type OperationProgress } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, backupOf, frameOf, statusOf } from '../helpers/fake-client.js';

const ID = '9.0.0_3000';
const post = { method: 'POST', url: `http://fake.invalid/backup/${ID}/restore` };

/**
 * Every start first reads the status once: the record before our request (default: 404,
 * never restored), which tells our restoration's record from an earlier one's.
 */
async function run(
  client: FakeClient,
  clock: VirtualClock,
  options: Parameters<typeof startRestoration>[2],
  baseline: BackupStatus | Error = new NotFoundError(post),
) {
  client.answerNext('restorationStatus', baseline);
  const seen = { values: [] as OperationProgress[], error: undefined as unknown, completed: false };
  const subscription = startRestoration(client, ID, { scheduler: clock.scheduler, random: () => 0.5, ...options }).subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  await clock.settle();
  return { seen, subscription };
}

const summary = (values: OperationProgress[]) => values.map((p) => `${p.status} ${p.percentage} ${p.transport}`);

function script(entries: Array<BackupStatus | Error>) {
  let index = 0;
  return () => {
    const entry = entries[Math.min(index++, entries.length - 1)]!;
    if (entry instanceof Error) throw entry;
    return entry;
  };
}

describe('startRestoration over a stream', () => {
  it('follows WebSocket frames of the given backup to the end', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = await run(client, clock, { transport: 'websocket', backup: backupOf(ID) });
    const [source] = client.sourcesOf('restoreWebSocket');
    expect(source!.args[0]).toBe(ID);
    source!.emit({ status: 'INITIALIZED', percentage: 0 });
    source!.emit({ status: 'IN-PROGRESS', percentage: 42 });
    source!.emit({ status: 'COMPLETED', percentage: 100 });
    expect(summary(seen.values)).toEqual(['INITIALIZED 0 websocket', 'IN-PROGRESS 42 websocket', 'COMPLETED 100 websocket']);
    expect(seen.values.every((p) => p.backupId === ID && p.backup?.id === ID)).toBe(true);
    expect(seen.completed).toBe(true);
  });

  it('falls back to polling after an NDJSON drop mid-way', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'restorationStatus',
      script([statusOf(ID, 'IN-PROGRESS', 55), statusOf(ID, 'COMPLETED', 100)]),
    );
    const { seen } = await run(client, clock, { transport: 'ndjson', recoverStream: false });
    const [source] = client.sourcesOf('restoreStreamedFrames');
    source!.emit(frameOf(ID, 'IN-PROGRESS', 50));
    source!.fail(new NetworkError(post));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 50 ndjson', 'IN-PROGRESS 55 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
  });

  it('before the first frame, falls back only if the status shows a restoration running', async () => {
    const running = new VirtualClock();
    const client = new FakeClient(() => running.now()).respond(
      'restorationStatus',
      script([statusOf(ID, 'IN-PROGRESS', 5), statusOf(ID, 'COMPLETED', 100)]),
    );
    const follows = await run(client, running, { transport: 'websocket', recoverStream: false });
    client.sourcesOf('restoreWebSocket')[0]!.fail(new NetworkError(post));
    await running.advance(10_000);
    expect(summary(follows.seen.values)).toEqual(['IN-PROGRESS 5 polling', 'COMPLETED 100 polling']);
    expect(follows.seen.completed).toBe(true);

    // the record from before our request is an earlier restoration's, a 404 says none ran: the drop is the answer
    for (const answer of [statusOf(ID, 'COMPLETED', 100), new NotFoundError(post)]) {
      const clock = new VirtualClock();
      const other = new FakeClient(() => clock.now()).respond('restorationStatus', script([answer]));
      const drop = new NetworkError(post);
      // retry 0: a 404 after a 404 baseline proves nothing ran and would start it again (see below)
      const failed = await run(other, clock, { transport: 'websocket', retry: 0 }, answer);
      other.sourcesOf('restoreWebSocket')[0]!.fail(drop);
      await clock.advance(10_000);
      expect(failed.seen.values).toEqual([]);
      expect(failed.seen.error).toBe(drop);
    }
  });

  it('before the first frame, trusts a terminal record that differs from the one before the request', async () => {
    // the restoration completed before the stall timeout: its COMPLETED is ours (defect 2 of #6)
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const { seen } = await run(client, clock, { transport: 'websocket', recoverStream: false }, statusOf(ID, 'CANCELED', 40));
    client.sourcesOf('restoreWebSocket')[0]!.fail(new NetworkError(post));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
  });

  it('a start the transport says was never sent is made again without a look, even when no look could tell (issue 16)', async () => {
    const clock = new VirtualClock();
    // restored before and ended COMPLETED 100: a record that cannot tell whether ours ran
    const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const notices: unknown[] = [];
    const { seen } = await run(client, clock, { transport: 'websocket', onRetry: (notice) => notices.push(notice) }, statusOf(ID, 'COMPLETED', 100));
    const unsent = Object.assign(new NetworkError(post), { requestSent: false });
    client.sourcesOf('restoreWebSocket')[0]!.fail(unsent);
    await clock.advance(1_000);
    expect(notices).toEqual([expect.objectContaining({ attempt: 1, error: unsent })]);
    const again = client.sourcesOf('restoreWebSocket')[1]!;
    again.emit({ status: 'IN-PROGRESS', percentage: 50 });
    again.emit({ status: 'COMPLETED', percentage: 100 });
    await clock.settle();
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 50 websocket', 'COMPLETED 100 websocket']);
    expect(seen.completed).toBe(true);

    // the same drop without the mark: the earlier record cannot tell, so it stands
    const other = new VirtualClock();
    const unsure = new FakeClient(() => other.now()).respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const drop = new NetworkError(post);
    const failed = await run(unsure, other, { transport: 'websocket' }, statusOf(ID, 'COMPLETED', 100));
    unsure.sourcesOf('restoreWebSocket')[0]!.fail(drop);
    await other.advance(30_000);
    expect(failed.seen.error).toBe(drop);
    expect(unsure.sourcesOf('restoreWebSocket')).toHaveLength(1);
  });

  it('errors on start errors without polling', async () => {
    for (const failure of [new NotFoundError(post), new ConflictError(post), new AuthenticationRequiredError(post)]) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now());
      const { seen } = await run(client, clock, { transport: 'ndjson' });
      client.sourcesOf('restoreStreamedFrames')[0]!.fail(failure);
      await clock.advance(10_000);
      expect(seen.error).toBe(failure);
      // only the baseline read before the request
      expect(client.calls.map((call) => call.method)).toEqual(['restorationStatus']);
    }
  });
});

describe('startRestoration over polling', () => {
  it('keeps the blocking POST in flight while polling, ignoring an earlier restoration\'s terminal status', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'restorationStatus',
      script([
        statusOf(ID, 'COMPLETED', 100), // the previous restoration, until ours registers
        statusOf(ID, 'INITIALIZED', 0),
        statusOf(ID, 'IN-PROGRESS', 50),
        statusOf(ID, 'COMPLETED', 100),
      ]),
    );
    const previous = statusOf(ID, 'COMPLETED', 100);
    const { seen } = await run(client, clock, { transport: 'polling', backup: backupOf(ID) }, previous);
    const [restore] = client.callsOf('restore');
    expect(restore!.args).toEqual([ID, backupOf(ID)]);
    expect(restore!.timeout).toBe(false);
    await clock.advance(30_000);

    expect(summary(seen.values)).toEqual(['INITIALIZED 0 polling', 'IN-PROGRESS 50 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
    // done: the POST is released (aborting it does not cancel server-side)
    expect(restore!.signal!.aborted).toBe(true);
  });

  it('completes from the POST answer when the restoration ended between polls', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const { seen } = await run(client, clock, { transport: 'polling' }, statusOf(ID, 'COMPLETED', 100));
    await clock.advance(3_000);
    expect(seen.values).toEqual([]);
    client.pending('restore')[0]!.resolve(backupOf(ID));
    await clock.settle();
    expect(summary(seen.values)).toEqual(['COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
    await clock.advance(10_000);
    // the baseline, then the polls until the POST answered: none after
    expect(client.callsOf('restorationStatus')).toHaveLength(5);
  });

  it('on the POST\'s 500, reports the FAILED/CANCELED the status shows', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'restorationStatus',
      script([statusOf(ID, 'IN-PROGRESS', 20), statusOf(ID, 'CANCELED', 20)]),
    );
    const { seen } = await run(client, clock, { transport: 'polling' });
    await clock.settle();
    client.pending('restore')[0]!.reject(new ServerError({ ...post, status: 500, body: 'canceled' }));
    await clock.advance(100);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 20 polling', 'CANCELED 20 polling']);
    expect(seen.completed).toBe(true);
  });

  it('surfaces the POST\'s 500 when the status cannot be this restoration\'s end', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => statusOf(ID, 'COMPLETED', 100));
    const { seen } = await run(client, clock, { transport: 'polling' }, statusOf(ID, 'COMPLETED', 100));
    const failure = new ServerError({ ...post, status: 500, body: 'cloud download failed' });
    client.pending('restore')[0]!.reject(failure);
    await clock.advance(100);
    expect(seen.error).toBe(failure);
  });

  it('on a 500 that started nothing, never reports an earlier restoration\'s end as its own', async () => {
    // defect 3 of #6: an earlier restore of this backup was cancelled; ours answered 500 at once
    for (const earlier of [statusOf(ID, 'CANCELED', 43), statusOf(ID, 'FAILED', 12)]) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => earlier);
      const { seen } = await run(client, clock, { transport: 'polling' }, earlier);
      const failure = new ServerError({ ...post, status: 500, body: 'injected' });
      client.pending('restore')[0]!.reject(failure);
      await clock.advance(5_000);
      expect(seen.values).toEqual([]);
      expect(seen.error).toBe(failure);
    }
  });

  it('settles an unreadable POST answer by the status: ours completed', async () => {
    // defect 2 of #6: the final body of the blocking POST was truncated
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'restorationStatus',
      script([statusOf(ID, 'IN-PROGRESS', 30), statusOf(ID, 'COMPLETED', 100)]),
    );
    const { seen } = await run(client, clock, { transport: 'polling' });
    await clock.settle();
    client.pending('restore')[0]!.reject(new ProtocolError({ message: 'truncated JSON', url: post.url }));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 30 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
  });

  it('errors with the typed start error (409, 511, 404) of the POST', async () => {
    for (const failure of [new ConflictError(post), new AuthenticationRequiredError(post), new NotFoundError(post)]) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now()).respond('restorationStatus', () => {
        throw new NotFoundError(post);
      });
      const { seen } = await run(client, clock, { transport: 'polling' });
      await clock.advance(500);
      client.pending('restore')[0]!.reject(failure);
      await clock.advance(5_000);
      expect(seen.error).toBe(failure);
      expect(seen.values).toEqual([]);
    }
  });

  it('keeps polling when the POST connection drops after the restoration was seen running', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'restorationStatus',
      script([statusOf(ID, 'IN-PROGRESS', 10), statusOf(ID, 'IN-PROGRESS', 60), statusOf(ID, 'COMPLETED', 100)]),
    );
    const { seen } = await run(client, clock, { transport: 'polling' });
    await clock.settle();
    client.pending('restore')[0]!.reject(new NetworkError(post));
    await clock.advance(10_000);
    expect(summary(seen.values)).toEqual(['IN-PROGRESS 10 polling', 'IN-PROGRESS 60 polling', 'COMPLETED 100 polling']);
    expect(seen.completed).toBe(true);
  });

  it('aborts the POST and the poll on unsubscribe', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { subscription } = await run(client, clock, { transport: 'polling' });
    await clock.settle();
    const [restore] = client.callsOf('restore');
    const poll = client.callsOf('restorationStatus').at(-1);
    subscription.unsubscribe();
    expect(restore!.signal!.aborted).toBe(true);
    expect(poll!.signal!.aborted).toBe(true);
    expect(clock.scheduler.actions).toHaveLength(0);
  });
});
