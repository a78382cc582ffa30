import { exponentialBackoff } from '../../src/api/index.js';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationRequiredError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UpdateRequiredError,
} from '../../src/api/errors/index.js';
import type { BackupStatus } from '../../src/models/index.js';
import { pollStatus, type RetryNotice } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, seededRandom, statusOf } from '../helpers/fake-client.js';

const ID = '9.0.0_1000';
const where = { method: 'GET', url: `http://fake.invalid/backup/${ID}/creation/status` };

interface Recorder {
  values: BackupStatus[];
  error?: unknown;
  completed: boolean;
}

function record(observable: ReturnType<typeof pollStatus>) {
  const recorder: Recorder = { values: [], completed: false };
  const subscription = observable.subscribe({
    next: (value) => recorder.values.push(value),
    error: (error: unknown) => (recorder.error = error),
    complete: () => (recorder.completed = true),
  });
  return { recorder, subscription };
}

/** A responder answering the n-th call with the n-th script entry (a status or an error). */
function script(entries: Array<BackupStatus | Error>) {
  let index = 0;
  return () => {
    const entry = entries[Math.min(index++, entries.length - 1)]!;
    if (entry instanceof Error) throw entry;
    return entry;
  };
}

const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i]!);

describe('pollStatus', () => {
  it('polls sooner as the estimated finish nears, within the min/max bounds', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([10, 20, 60, 80, 90, 95, 99].map((p) => statusOf(ID, 'IN-PROGRESS', p)).concat(statusOf(ID, 'COMPLETED', 100))),
    );
    const { recorder } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, minIntervalMs: 200, maxIntervalMs: 5_000 }),
    );
    await clock.advance(60_000);

    const times = client.callsOf('creationStatus').map((call) => call.at);
    // no rate yet: 1 s; then half the estimated time left: 8 s left -> 4 s, 4 s -> 2 s, ... down to the 200 ms floor
    expect(gaps(times)).toEqual([1_000, 4_000, 2_000, 1_000, 500, 250, 200]);
    expect(recorder.values.map((s) => s.percentage)).toEqual([10, 20, 60, 80, 90, 95, 99, 100]);
    expect(recorder.completed).toBe(true);
  });

  it('waits the maximum while the finish is far away, and the default while nothing moves', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([0, 1, 2, 2, 2].map((p) => statusOf(ID, 'IN-PROGRESS', p))),
    );
    const { subscription } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, minIntervalMs: 100, maxIntervalMs: 3_000 }),
    );
    await clock.advanceTo(11_000);
    subscription.unsubscribe();
    // 0 -> 1: no rate (1 s default); 1 -> 2: still no rate, the window needs 2 points
    // (etaMinSpanPercent): 1 s default again; then 2 points over 2 s, 1 %/s: ~98 s left ->
    // the 3 s cap; then no change: default 1 s
    expect(gaps(client.callsOf('creationStatus').map((c) => c.at)).slice(0, 4)).toEqual([1_000, 1_000, 3_000, 1_000]);
  });

  it('clamps the no-rate default into [min, max]', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'INITIALIZED'));
    const { subscription } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, minIntervalMs: 2_500, maxIntervalMs: 9_000 }),
    );
    await clock.advanceTo(10_000);
    subscription.unsubscribe();
    expect(client.callsOf('creationStatus').map((c) => c.at)).toEqual([0, 2_500, 5_000, 7_500, 10_000]);
  });

  it('completes right after a terminal status, whichever it is', async () => {
    for (const terminal of ['COMPLETED', 'FAILED', 'CANCELED', 'RESET']) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now()).respond(
        'restorationStatus',
        script([statusOf(ID, 'UNKNOWN'), statusOf(ID, 'IN-PROGRESS', 50), statusOf(ID, terminal)]),
      );
      const { recorder } = record(pollStatus(client, 'restoration', ID, { scheduler: clock.scheduler }));
      await clock.advance(30_000);
      expect(recorder.values.map((s) => s.value)).toEqual(['UNKNOWN', 'IN-PROGRESS', terminal]);
      expect(recorder.completed).toBe(true);
      expect(client.callsOf('restorationStatus')).toHaveLength(3);
    }
  });

  it('backs off with full jitter: random() * min(maxBackoff, base * 2^n)', async () => {
    const clock = new VirtualClock();
    const failure = new NetworkError(where);
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([failure, failure, failure, failure, statusOf(ID, 'COMPLETED', 100)]),
    );
    const { recorder } = record(
      pollStatus(client, 'creation', ID, {
        scheduler: clock.scheduler,
        retryDelay: exponentialBackoff({ baseMs: 400, maxMs: 2_000, random: seededRandom([0.5, 0.25, 0.75, 0.999]) }),
      }),
    );
    await clock.advance(60_000);
    // 0.5 * 400, 0.25 * 800, 0.75 * 1600, 0.999 * min(2000, 3200)
    expect(gaps(client.callsOf('creationStatus').map((c) => c.at))).toEqual([200, 200, 1_200, 1_998]);
    expect(recorder.values.map((s) => s.value)).toEqual(['COMPLETED']);
    expect(recorder.completed).toBe(true);
  });

  it('honours Retry-After, bounded by the backoff maximum', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([
        new ServerError({ ...where, status: 503, retryAfter: '3' }),
        new ServerError({ ...where, status: 503, retryAfter: '120' }),
        statusOf(ID, 'COMPLETED', 100),
      ]),
    );
    const { recorder } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, retryDelay: exponentialBackoff({ baseMs: 500, maxMs: 10_000, random: () => 0 }) }),
    );
    await clock.advance(60_000);
    expect(client.callsOf('creationStatus').map((c) => c.at)).toEqual([0, 3_000, 13_000]);
    expect(recorder.completed).toBe(true);
  });

  it('retries timeouts and 5xx, resetting the error count after a success', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([
        new TimeoutError({ ...where, timeoutMs: 10 }),
        new ServerError({ ...where, status: 500 }),
        statusOf(ID, 'IN-PROGRESS', 10),
        new ServerError({ ...where, status: 502 }),
        new ServerError({ ...where, status: 502 }),
        statusOf(ID, 'COMPLETED', 100),
      ]),
    );
    const { recorder } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, random: () => 0.5, retry: 2 }),
    );
    await clock.advance(60_000);
    expect(recorder.error).toBeUndefined();
    expect(recorder.values.map((s) => s.value)).toEqual(['IN-PROGRESS', 'COMPLETED']);
  });

  it('errors with the typed error after more than `retry` failures', async () => {
    const clock = new VirtualClock();
    const failure = new NetworkError(where);
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => {
      throw failure;
    });
    const { recorder } = record(
      pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, random: () => 1, retry: 3 }),
    );
    await clock.advance(120_000);
    expect(recorder.error).toBe(failure);
    expect(client.callsOf('creationStatus')).toHaveLength(4);
  });

  it('retries an answer that cannot be read: one garbled status proves nothing (defect 2 of #6)', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([
        statusOf(ID, 'IN-PROGRESS', 10),
        new ProtocolError({ message: 'malformed status', url: where.url }),
        new ProtocolError({ message: 'truncated JSON', url: where.url }),
        statusOf(ID, 'COMPLETED', 100),
      ]),
    );
    const { recorder } = record(pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, random: () => 0.5 }));
    await clock.advance(30_000);
    expect(recorder.error).toBeUndefined();
    expect(recorder.values.map((s) => s.value)).toEqual(['IN-PROGRESS', 'COMPLETED']);
  });

  it('gives up once reads have failed for outageTimeoutMs, making the last attempt at that bound (defect 5 of #6)', async () => {
    const clock = new VirtualClock();
    const failure = new ServerError({ ...where, status: 503 });
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => {
      throw failure;
    });
    const options = { scheduler: clock.scheduler, random: () => 1, retry: 1_000, outageTimeoutMs: 10_000 };
    const { recorder } = record(pollStatus(client, 'creation', ID, options));
    await clock.advance(9_999);
    expect(recorder.error).toBeUndefined();
    await clock.advance(1);
    expect(recorder.error).toBe(failure);
    expect(client.callsOf('creationStatus').at(-1)!.at).toBe(10_000);
    // full jitter at random() = 1: 0, 500, 1500, 3500, 7500, then the bound
    expect(client.callsOf('creationStatus').map((call) => call.at)).toEqual([0, 500, 1_500, 3_500, 7_500, 10_000]);
  });

  it('tells onRetry each retry and null on recovery; a late subscriber learns of the retry in progress', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond(
      'creationStatus',
      script([
        new NetworkError(where),
        new NetworkError(where),
        statusOf(ID, 'IN-PROGRESS', 10),
        statusOf(ID, 'COMPLETED', 100),
      ]),
    );
    const notices: Array<{ attempt: number; nextAttemptAt: number; error: string } | null> = [];
    const onRetry = (notice: RetryNotice | null) =>
      notices.push(notice && { attempt: notice.attempt, nextAttemptAt: notice.nextAttemptAt, error: (notice.error as Error).name });
    const options = { scheduler: clock.scheduler, random: () => 1 };
    record(pollStatus(client, 'creation', ID, { ...options, onRetry }));
    await clock.settle();
    expect(notices).toEqual([{ attempt: 1, nextAttemptAt: 500, error: 'NetworkError' }]);

    const late: Array<RetryNotice | null> = [];
    record(pollStatus(client, 'creation', ID, { ...options, onRetry: (notice) => late.push(notice) }));
    expect(late.map((notice) => notice?.attempt)).toEqual([1]);

    await clock.advance(10_000);
    expect(notices).toEqual([
      { attempt: 1, nextAttemptAt: 500, error: 'NetworkError' },
      { attempt: 2, nextAttemptAt: 1_500, error: 'NetworkError' },
      null,
    ]);
    expect(late.map((notice) => notice?.attempt ?? null)).toEqual([1, 2, null]);
  });

  it('errors at once on 404, 505, 511 (never retried)', async () => {
    for (const failure of [
      new NotFoundError(where),
      new UpdateRequiredError(where),
      new AuthenticationRequiredError(where),
    ]) {
      const clock = new VirtualClock();
      const client = new FakeClient(() => clock.now()).respond('creationStatus', () => {
        throw failure;
      });
      const { recorder } = record(pollStatus(client, 'creation', ID, { scheduler: clock.scheduler }));
      await clock.advance(60_000);
      expect(recorder.error).toBe(failure);
      expect(client.callsOf('creationStatus')).toHaveLength(1);
    }
  });

  it('makes one request for N concurrent subscribers, and replays the latest to a late one', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const options = { scheduler: clock.scheduler };
    const subscribers = [1, 2, 3].map(() => record(pollStatus(client, 'creation', ID, options)));
    await clock.settle();
    expect(client.callsOf('creationStatus')).toHaveLength(1);

    client.pending('creationStatus')[0]!.resolve(statusOf(ID, 'IN-PROGRESS', 40));
    await clock.settle();
    for (const { recorder } of subscribers) expect(recorder.values.map((s) => s.percentage)).toEqual([40]);

    const late = record(pollStatus(client, 'creation', ID, options));
    expect(late.recorder.values.map((s) => s.percentage)).toEqual([40]);
    await clock.advance(1_000);
    expect(client.callsOf('creationStatus')).toHaveLength(2);

    // a different operation is a different poll
    record(pollStatus(client, 'restoration', ID, options));
    expect(client.callsOf('restorationStatus')).toHaveLength(1);
  });

  it('shares a poll within one client only: the client owns its polls', async () => {
    const clock = new VirtualClock();
    const one = new FakeClient(() => clock.now());
    const other = new FakeClient(() => clock.now());
    const options = { scheduler: clock.scheduler };
    record(pollStatus(one, 'creation', ID, options));
    record(pollStatus(one, 'creation', ID, options));
    record(pollStatus(other, 'creation', ID, options));
    await clock.settle();
    expect(one.callsOf('creationStatus')).toHaveLength(1);
    expect(other.callsOf('creationStatus')).toHaveLength(1);
  });

  it('aborts the in-flight request on the last unsubscribe, not before', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const options = { scheduler: clock.scheduler };
    const first = record(pollStatus(client, 'creation', ID, options));
    const second = record(pollStatus(client, 'creation', ID, options));
    const [call] = client.callsOf('creationStatus');
    expect(call!.signal).toBeDefined();

    first.subscription.unsubscribe();
    expect(call!.signal!.aborted).toBe(false);
    second.subscription.unsubscribe();
    expect(call!.signal!.aborted).toBe(true);

    // no timer left behind, and a new subscriber starts a fresh poll
    expect(clock.scheduler.actions).toHaveLength(0);
    record(pollStatus(client, 'creation', ID, options));
    expect(client.callsOf('creationStatus')).toHaveLength(2);
  });

  it('is cold: nothing happens before subscribe', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    pollStatus(client, 'creation', ID, { scheduler: clock.scheduler });
    await clock.advance(5_000);
    expect(client.calls).toHaveLength(0);
  });
});
