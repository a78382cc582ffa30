import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLifecycle } from '../../src/index.js';
import { createBackupActor, type BackupActor } from '../../machines/index.js';
import { createVirtualClock, useTestDaemon, waitForState } from '../../src/testing/index.js';

const actors: BackupActor[] = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});
function track(actor: BackupActor): BackupActor {
  actors.push(actor);
  return actor;
}
/** The error a promise rejects with; fails the test if it resolves. */
const rejectionOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => Promise.reject(new Error('expected a rejection')),
    (error: unknown) => error as Error,
  );

describe('waitForState', () => {
  const daemon = useTestDaemon({ beforeEach, afterEach }, { assets: 3 });

  it('resolves with the current snapshot when the actor is already there', async () => {
    const backup = track(createBackupActor(daemon.client));
    const idle = await waitForState(backup, 'idle', { timeoutMs: 1 });
    expect(idle.value).toBe('idle');
  });

  it('takes a predicate over the snapshot', async () => {
    const backup = track(createBackupActor(daemon.client));
    backup.send({ type: 'START' });
    const known = await waitForState(backup, ({ context }) => context.backupId !== null, { timeoutMs: 5_000 });
    expect(known.context.backupId).toMatch(/^9\.0\.0_\d+$/);
  });

  it('rejects after the timeout with the states it went through and the last status, percentage and error', async () => {
    daemon.signOut();
    const backup = track(createBackupActor(daemon.client));
    const waiting = waitForState(backup, 'done', { timeoutMs: 300 });
    backup.send({ type: 'START' });
    const error = await rejectionOf(waiting);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('"done" was not reached within 300 ms');
    expect(error.message).toContain('states visited: idle -> starting -> failed');
    expect(error.message).toContain('last context: status null, percentage 0, error authentication-required AuthenticationRequiredError:');
  });

  it('rejects at once when the actor stops, naming the predicate it waited for', async () => {
    const backup = track(createBackupActor(daemon.client));
    const started = Date.now();
    const waiting = waitForState(backup, function halfway({ context }) {
      return context.percentage >= 50;
    });
    backup.stop();
    await expect(waiting).rejects.toThrow(/the actor (stopped|ended).*satisfies halfway[\s\S]*states visited: idle/);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("waits on the core's lifecycle handle as on an actor, and rejects when it is disposed", async () => {
    const backup = createLifecycle(daemon.client, 'creation');
    backup.start();
    const done = await waitForState(backup, 'done', { timeoutMs: 10_000 });
    expect(done.context.percentage).toBe(100);
    const waiting = waitForState(backup, 'running', { timeoutMs: 5_000 });
    backup.dispose();
    await expect(waiting).rejects.toThrow(/the actor ended \(status "stopped"\)[\s\S]*states visited: done/);
  });
});

describe('createVirtualClock', () => {
  // slow transfers, so the creation is still running when the cancel deadline passes
  const daemon = useTestDaemon({ beforeEach, afterEach }, { assets: 3, rateBytesPerSecond: 5_000 });

  it('drives a 30 s cancel deadline in virtual time, without waiting 30 s', async () => {
    const clock = createVirtualClock();
    const backup = track(createBackupActor(daemon.client, { clock, cancelTimeoutMs: 30_000 }));
    backup.send({ type: 'START' });
    await waitForState(backup, 'running', { timeoutMs: 5_000 }); // real time: the daemon answers in real time

    daemon.inject({ operation: 'backup_specific_creation_cancel', status: 503 }); // every cancel refused
    const started = Date.now();
    backup.send({ type: 'CANCEL' });
    expect(backup.getSnapshot().context.cancelDeadline).toBe(clock.now() + 30_000);
    const failed = await waitForState(backup, 'failed', { clock, timeoutMs: 60_000 });

    expect(failed.context.error).toMatchObject({ kind: 'cancel-timeout', outcomeUnknown: true });
    expect(clock.now()).toBe(30_000);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('advance() and advanceTo() move only virtual time', async () => {
    const clock = createVirtualClock();
    let fired = 0;
    clock.scheduler.schedule(() => void (fired += 1), 1_000);
    await clock.advance(999);
    expect([fired, clock.now(), clock.pending]).toEqual([0, 999, 1]);
    await clock.advanceTo(1_000);
    expect([fired, clock.now(), clock.pending]).toEqual([1, 1_000, 0]);
  });

  it('waitForState in virtual time gives up after timeoutMs of virtual time', async () => {
    const clock = createVirtualClock();
    const backup = track(createBackupActor(daemon.client, { clock }));
    const error = await rejectionOf(waitForState(backup, 'done', { clock, timeoutMs: 10_000 }));
    expect(error.message).toContain('"done" was not reached within 10000 ms of virtual time');
    expect(error.message).toContain('states visited: idle');
    expect(clock.now()).toBe(10_000);
  });
});
