import { describe, expect, it } from 'vitest';
import { createBackupClient } from '../../src/api/index.js';
import { NetworkError } from '../../src/api/errors/index.js';
import type { BackupsStreamedProgress } from '../../src/models/index.js';
import { checkOutcome, resolveStream, type CheckInput, type CheckVerdict } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, backupOf } from '../helpers/fake-client.js';

// The outcome rules, read over a fake daemon: RETRY's check of a creation whose id was never
// learned is the start's own rule (`findLostCreation`), the same answer from the same reads.

const socket = { method: 'GET', url: 'http://fake.invalid/backups/streamed/progress' };
const lost: CheckInput = { backupId: null, requestedAt: 1_000, baseline: null };

function check(client: FakeClient, clock: VirtualClock) {
  const outcome: { verdict?: CheckVerdict; error?: unknown } = {};
  const policy = resolveStream({ scheduler: clock.scheduler, now: () => clock.now(), random: () => 0.5 });
  checkOutcome(client, 'creation', lost, policy, new AbortController().signal).then(
    (verdict) => (outcome.verdict = verdict),
    (error: unknown) => (outcome.error = error),
  );
  return outcome;
}

describe('checkOutcome of a creation whose id was never learned', () => {
  it('the progress socket cannot be read, yet GET /backups lists ours: it ran and completed', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('list', () => ({
      iterable: [backupOf('9.0.0_500'), backupOf('9.0.0_1500')],
    }));
    const outcome = check(client, clock);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.fail(new NetworkError(socket));
    await clock.settle();

    expect(outcome.verdict).toMatchObject({ ran: true, progress: { backupId: '9.0.0_1500', status: 'COMPLETED', percentage: 100 } });
  });

  it('nothing running and nothing of ours listed: nothing ran', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('list', () => ({ iterable: [backupOf('9.0.0_500')] }));
    const outcome = check(client, clock);
    client.sourcesOf<BackupsStreamedProgress>('progressWebSocket')[0]!.emit({ backups: [], restorations: [] });
    await clock.settle();

    expect(outcome.verdict).toEqual({ ran: false });
  });

  it('the socket cannot be read and nothing of ours is listed: asks again, then gives up with the socket failure', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('list', () => ({ iterable: [] }));
    const outcome = check(client, clock);
    for (let attempt = 0; outcome.error === undefined && attempt < 50; attempt += 1) {
      client.sourcesOf<BackupsStreamedProgress>('progressWebSocket').at(-1)!.fail(new NetworkError(socket));
      await clock.advance(1_000);
    }

    expect(outcome.verdict).toBeUndefined();
    expect((outcome.error as Error).name).toBe('NetworkError');
    expect(client.callsOf('list').length).toBeGreaterThan(1);
  });
});

describe('the shared polls belong to the client', () => {
  it('createBackupClient gives each client its own slot, one value a key', () => {
    const key = Symbol('test');
    const one = createBackupClient({ baseUrl: 'http://127.0.0.1:9' });
    const value = one.slot(key, () => ({}));
    expect(one.slot(key, () => ({}))).toBe(value);
    expect(createBackupClient({ baseUrl: 'http://127.0.0.1:9' }).slot(key, () => ({}))).not.toBe(value);
  });
});
