import { exponentialBackoff } from '../../src/api/index.js';
import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError, NotFoundError } from '../../src/api/errors/index.js';
import type { BackupsStreamedProgress } from '../../src/models/index.js';
import { discoverOperations, type DiscoveredOperations } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, backupOf, frameOf, seededRandom, statusOf } from '../helpers/fake-client.js';

const where = { method: 'GET', url: 'ws://fake.invalid/backups/streamed/progress' };

function run(observable: ReturnType<typeof discoverOperations>) {
  const seen = { values: [] as DiscoveredOperations[], error: undefined as unknown, completed: false };
  const subscription = observable.subscribe({
    next: (value) => seen.values.push(value),
    error: (error: unknown) => (seen.error = error),
    complete: () => (seen.completed = true),
  });
  return { seen, subscription };
}

const ids = (d: DiscoveredOperations) => ({
  creations: d.creations.map((p) => `${p.backupId} ${p.status} ${p.percentage}`),
  restorations: d.restorations.map((p) => `${p.backupId} ${p.status} ${p.percentage}`),
});

describe('discoverOperations', () => {
  it('lists every creation and restoration the progress socket reports', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(discoverOperations(client, { scheduler: clock.scheduler }));
    const [socket] = client.sourcesOf<BackupsStreamedProgress>('progressWebSocket');
    socket!.emit({});
    socket!.emit({ backups: [frameOf('c_1', 'IN-PROGRESS', 12)], restorations: [frameOf('r_1', 'INITIALIZED', 0)] });
    socket!.emit({ backups: [frameOf('c_1', 'COMPLETED', 100)], restorations: [{ status: 'IN-PROGRESS' }] });
    expect(seen.values.map(ids)).toEqual([
      { creations: [], restorations: [] },
      { creations: ['c_1 IN-PROGRESS 12'], restorations: ['r_1 INITIALIZED 0'] },
      // an entry without a backup cannot be identified, so it is left out
      { creations: ['c_1 COMPLETED 100'], restorations: [] },
    ]);
    expect(seen.values[1]!.creations[0]).toMatchObject({ kind: 'creation', transport: 'websocket' });
    expect(client.calls).toHaveLength(0);
  });

  it('reopens a dropped socket with full-jitter backoff; a frame resets the count', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(
      discoverOperations(client, {
        scheduler: clock.scheduler,
        retry: 2,
        retryDelay: exponentialBackoff({ baseMs: 1_000, maxMs: 30_000, random: seededRandom([0.5, 0.5, 0.5]) }),
      }),
    );
    const sockets = () => client.sourcesOf<BackupsStreamedProgress>('progressWebSocket');
    sockets()[0]!.emit({ backups: [frameOf('c_1', 'IN-PROGRESS', 1)] });
    sockets()[0]!.fail(new NetworkError(where));
    await clock.advance(499);
    expect(sockets()).toHaveLength(1);
    await clock.advance(1); // 0.5 * 1000
    expect(sockets()).toHaveLength(2);
    sockets()[1]!.complete(); // a clean close is also a lost view: reconnect
    await clock.advance(1_000); // 0.5 * 2000
    expect(sockets()).toHaveLength(3);
    sockets()[2]!.emit({});
    sockets()[2]!.fail(new NetworkError(where));
    await clock.advance(500); // count was reset by the frame
    expect(sockets()).toHaveLength(4);
    expect(seen.error).toBeUndefined();
    expect(seen.values).toHaveLength(2);
  });

  it('gives up after maxConsecutiveErrors failures in a row, or at once on a non-retryable error', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now());
    const { seen } = run(discoverOperations(client, { scheduler: clock.scheduler, retry: 1 }));
    const last = new NetworkError(where);
    client.sourcesOf('progressWebSocket')[0]!.fail(new NetworkError(where));
    await clock.advance(60_000);
    client.sourcesOf('progressWebSocket')[1]!.fail(last);
    await clock.advance(60_000);
    expect(seen.error).toBe(last);
    expect(client.sourcesOf('progressWebSocket')).toHaveLength(2);

    const forbidden = new HttpError({ ...where, status: 403 });
    const refused = run(discoverOperations(client, { scheduler: clock.scheduler }));
    client.sourcesOf('progressWebSocket')[2]!.fail(forbidden);
    expect(refused.seen.error).toBe(forbidden);
  });

  it('polling: asks the status of known creations and of every listed backup\'s restoration', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now())
      .respond('list', () => ({ iterable: [backupOf('b_1'), backupOf('b_2')] }))
      .respond('restorationStatus', (call) => {
        if (call.args[0] === 'b_1') throw new NotFoundError(where);
        return statusOf('b_2', 'IN-PROGRESS', 33);
      })
      .respond('creationStatus', () => statusOf('c_9', 'COMPLETED', 100));
    const { seen, subscription } = run(
      discoverOperations(client, { scheduler: clock.scheduler, transport: 'polling', knownIds: { creations: ['c_9'] } }),
    );
    await clock.advance(1_000);
    subscription.unsubscribe();
    expect(seen.values.map(ids)).toEqual([
      { creations: [], restorations: ['b_2 IN-PROGRESS 33'] },
      { creations: [], restorations: ['b_2 IN-PROGRESS 33'] },
    ]);
    expect(client.sourcesOf('progressWebSocket')).toHaveLength(0);
  });
});
