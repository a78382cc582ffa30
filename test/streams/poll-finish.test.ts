import { describe, expect, it } from 'vitest';
import { pollStatus } from '../../src/streams/index.js';
import { FakeClient, VirtualClock, statusOf } from '../helpers/fake-client.js';

const ID = '9.0.0_1000';

/** A creation that runs steadily from 0 to `durationMs`, as the status endpoint reports it. */
function steadyOperation(clock: VirtualClock, durationMs: number) {
  return () => {
    const at = clock.now();
    if (at >= durationMs) return statusOf(ID, 'COMPLETED', 100);
    return statusOf(ID, 'IN-PROGRESS', Math.floor((at / durationMs) * 1000) / 10);
  };
}

async function pollTimes(durationMs: number, minIntervalMs: number): Promise<number[]> {
  const clock = new VirtualClock();
  const client = new FakeClient(() => clock.now()).respond('creationStatus', steadyOperation(clock, durationMs));
  pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, minIntervalMs, maxIntervalMs: 5_000 }).subscribe();
  await clock.advance(durationMs + 10_000);
  return client.callsOf('creationStatus').map((call) => call.at);
}

describe('polling near the estimated finish', () => {
  it.each([10_000, 12_345, 30_000, 30_700])(
    'polls just past the finish of a steady %i ms operation instead of up to a minimum interval after it',
    async (durationMs) => {
      const times = await pollTimes(durationMs, 200);
      const last = times.at(-1)!;
      // the poll that saw COMPLETED; before the change it came up to 200 ms late
      expect(last).toBeGreaterThanOrEqual(durationMs);
      expect(last - durationMs).toBeLessThanOrEqual(60);
    },
  );

  it('never polls sooner than minIntervalMs after the one before', async () => {
    for (const durationMs of [10_000, 12_345, 30_700]) {
      const times = await pollTimes(durationMs, 200);
      const gaps = times.slice(1).map((time, index) => time - times[index]!);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
    }
  });
});

describe('a shared poll with slow subscribers', () => {
  it('keeps its interval: the wait starts before the subscribers run, not after them', async () => {
    const clock = new VirtualClock();
    const client = new FakeClient(() => clock.now()).respond('creationStatus', () => statusOf(ID, 'IN-PROGRESS', 10));
    const subscription = pollStatus(client, 'creation', ID, { scheduler: clock.scheduler, minIntervalMs: 250, maxIntervalMs: 250 }).subscribe(
      () => {
        // 100 ms of work for each answer (100 subscribers' machines, a slow render)
        clock.scheduler.frame += 100;
      },
    );
    await clock.advanceTo(1_000);
    subscription.unsubscribe();
    const times = client.callsOf('creationStatus').map((call) => call.at);
    expect(times.slice(0, 4)).toEqual([0, 250, 500, 750]);
  });
});
