import { exponentialBackoff } from '../../src/api/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBackupActor,
  createRestoreActor,
  type BackupActor,
  type LifecycleOptions,
  type RestoreActor,
} from '../../machines/index.js';
import type { OperationName } from '../../src/emulator/index.js';
import type { OperationKind } from '../../src/streams/index.js';
import { createBackup, statusOf, useEmulator, waitFor } from '../helpers/emulator.js';
import { countedClient, reach, recordStates, settle } from './support/lifecycle-fixture.js';

// Every cancel race ends in a defined state, for both lifecycles, on a real emulator.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 50_000_000, cancelDelayMs: 30 });
const actors: Array<BackupActor | RestoreActor> = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});

const FAULTS = {
  creation: { stream: 'backups_create_streamed_websocket', cancel: 'backup_specific_creation_cancel' },
  restoration: { stream: 'backup_restore_streamed_websocket', cancel: 'backup_specific_restoration_cancel' },
} as const satisfies Record<OperationKind, Record<string, OperationName>>;

// a stalled stream stays silent: only the cancel actor can tell how it ended
const SILENT: LifecycleOptions['stream'] = { stallTimeoutMs: 60_000, recoverStream: false };

async function lifecycle(kind: OperationKind, options: LifecycleOptions = {}) {
  const backupId = kind === 'restoration' ? await createBackup(emulator.url) : undefined;
  const counted = countedClient(emulator.current);
  const settings = { stream: { minIntervalMs: 50, maxIntervalMs: 300 }, ...options };
  const actor = kind === 'creation' ? createBackupActor(counted.client, settings) : createRestoreActor(counted.client, settings);
  actors.push(actor);
  const states = recordStates(actor);
  const begin = () =>
    kind === 'creation'
      ? (actor as BackupActor).send({ type: 'START' })
      : (actor as RestoreActor).send({ type: 'RESTORE', backupId: backupId!, confirm: true });
  return { actor, states, begin, cancels: () => counted.cancels(kind) };
}

// a restore checks the daemon first (machines/README.md, "Preflight and safety backup")
const from = (kind: OperationKind, ...states: string[]) => ['idle', ...(kind === 'restoration' ? ['preflight'] : []), ...states];

const serverStatus = async (kind: OperationKind, id: string) => (await statusOf(emulator.url, kind, id)).value;

for (const kind of ['creation', 'restoration'] as const) {
  describe(`cancel races (${kind})`, () => {
    it('cancel answered 500 "nothing in progress" after it COMPLETED: done with tooLateToCancel, not failed', async () => {
      const { actor, begin, cancels } = await lifecycle(kind, { stream: SILENT });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].stream, stallAfterFrames: 1 });
      emulator.current.admin.setState({ rateBytesPerSecond: 2_000_000 });
      begin();
      await reach(actor, 'running');
      const id = actor.getSnapshot().context.backupId!;
      await waitFor(async () => ((await serverStatus(kind, id)) === 'COMPLETED' ? true : undefined), 'completion');
      expect(actor.getSnapshot().value).toBe('running');

      actor.send({ type: 'CANCEL' });
      const final = await settle(actor);
      expect(final.value).toBe('done');
      expect(final.context).toMatchObject({ tooLateToCancel: true, status: 'COMPLETED', percentage: 100, error: null });
      expect(cancels()).toBe(1);
    });

    it('cancel answered 500 after someone else canceled it: cancelled', async () => {
      const { actor, begin, cancels } = await lifecycle(kind, { stream: SILENT });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].stream, stallAfterFrames: 1 });
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
      begin();
      await reach(actor, 'running');
      const id = actor.getSnapshot().context.backupId!;
      expect((await fetch(`${emulator.url}/backup/${id}/${kind}/cancel`, { method: 'POST' })).status).toBe(204);
      await waitFor(async () => ((await serverStatus(kind, id)) === 'CANCELED' ? true : undefined), 'the other cancel');

      actor.send({ type: 'CANCEL' });
      const final = await settle(actor);
      expect(final.value).toBe('cancelled');
      expect(final.context).toMatchObject({ tooLateToCancel: false, status: 'CANCELED', error: null });
      expect(cancels()).toBe(1);
    });

    it('progress shows COMPLETED while cancelling: done with tooLateToCancel', async () => {
      const { actor, states, begin } = await lifecycle(kind);
      // the daemon sits on the cancel request while the operation completes
      emulator.current.admin.injectFault({ operation: FAULTS[kind].cancel, latencyMs: 5_000, times: 1 });
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
      begin();
      await reach(actor, 'running');
      actor.send({ type: 'CANCEL' });
      expect(actor.getSnapshot().value).toBe('cancelling');
      emulator.current.admin.setState({ rateBytesPerSecond: 50_000_000 });
      const final = await settle(actor);
      expect(states).toEqual(from(kind, 'starting', 'running', 'cancelling', 'done'));
      expect(final.context).toMatchObject({ tooLateToCancel: true, status: 'COMPLETED', error: null });
    });

    it('CANCEL while starting is remembered and acted on as soon as the id is known', async () => {
      const { actor, states, begin, cancels } = await lifecycle(kind);
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
      begin();
      if (kind === 'restoration') await reach(actor, 'starting');
      actor.send({ type: 'CANCEL' });
      expect(actor.getSnapshot().value).toBe('starting');
      expect(actor.getSnapshot().context.cancelRequested).toBe(true);
      const final = await settle(actor);
      expect(states).toEqual(from(kind, 'starting', 'cancelling', 'cancelled'));
      expect(final.context.status).toBe('CANCELED');
      expect(cancels()).toBe(1);
      expect(await serverStatus(kind, final.context.backupId!)).toBe('CANCELED');
    });

    it('a second CANCEL while cancelling is ignored: one cancel request', async () => {
      const { actor, begin, cancels } = await lifecycle(kind);
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000, cancelDelayMs: 1_000 });
      begin();
      await reach(actor, 'running');
      actor.send({ type: 'CANCEL' });
      await waitFor(() => (cancels() === 1 ? true : undefined), 'the cancel request');
      actor.send({ type: 'CANCEL' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      actor.send({ type: 'CANCEL' });
      expect(actor.getSnapshot().value).toBe('cancelling');
      expect((await settle(actor)).value).toBe('cancelled');
      expect(cancels()).toBe(1);
    });

    it('cancel during a network outage: retried with bounded backoff until the deadline, then cancel-timeout', async () => {
      const { actor, begin, cancels } = await lifecycle(kind, {
        stream: SILENT,
        cancelTimeoutMs: 2_000,
        cancelRetry: { retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 200 }) },
      });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].stream, stallAfterFrames: 1 });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].cancel, reset: true });
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
      begin();
      await reach(actor, 'running');
      actor.send({ type: 'CANCEL' });
      const { cancelDeadline } = actor.getSnapshot().context;
      const final = await settle(actor);
      expect(final.value).toBe('failed');
      expect(final.context.error).toMatchObject({ kind: 'cancel-timeout', name: 'CancelTimeoutError' });
      expect(final.context.finishedAt).toBeGreaterThanOrEqual(cancelDeadline!);
      expect(cancels()).toBeGreaterThanOrEqual(3);
      // nothing was canceled: RETRY re-attaches to the operation, still running
      actor.send({ type: 'RETRY' });
      expect(actor.getSnapshot().value).toBe('running');
    });

    it('cancel during a short outage: retried until the daemon answers, then cancelled', async () => {
      const { actor, begin, cancels } = await lifecycle(kind, {
        stream: SILENT,
        cancelRetry: { retryDelay: exponentialBackoff({ baseMs: 50, maxMs: 200 }), confirmIntervalMs: 100 },
      });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].stream, stallAfterFrames: 1 });
      emulator.current.admin.injectFault({ operation: FAULTS[kind].cancel, reset: true, times: 3 });
      emulator.current.admin.setState({ rateBytesPerSecond: 100_000 });
      begin();
      await reach(actor, 'running');
      actor.send({ type: 'CANCEL' });
      const final = await settle(actor);
      expect(final.value).toBe('cancelled');
      expect(cancels()).toBe(4);
    });
  });
}
