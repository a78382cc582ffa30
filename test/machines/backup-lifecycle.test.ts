import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from 'xstate';
import { createBackupActor, type BackupActor, type LifecycleOptions } from '../../machines/index.js';
import type { ProgressTransport } from '../../src/streams/index.js';
import { useEmulator, waitFor } from '../helpers/emulator.js';
import { countedClient, idleEmulator, reach, recordStates, settle } from './support/lifecycle-fixture.js';
import { countingScheduler, trackClientSignals } from './support/leak-probes.js';

// The backup lifecycle end to end, against a real emulator over loopback.

const emulator = useEmulator({ each: true, rateBytesPerSecond: 400_000 });
const STREAM: LifecycleOptions['stream'] = { stallTimeoutMs: 2_000, minIntervalMs: 50, maxIntervalMs: 300 };
const actors: BackupActor[] = [];
afterEach(() => {
  for (const actor of actors.splice(0)) actor.stop();
});
function track(actor: BackupActor): BackupActor {
  actors.push(actor);
  return actor;
}

describe('backup lifecycle', () => {
  for (const transport of ['websocket', 'ndjson', 'polling'] as const satisfies readonly ProgressTransport[]) {
    it(`backs up over ${transport}: idle -> starting -> running -> done`, async () => {
      const { client, starts } = countedClient(emulator.current);
      const actor = track(createBackupActor(client, { transport, stream: STREAM }));
      const states = recordStates(actor);
      const percentages: number[] = [];
      const etas: Array<number | null> = [];
      actor.subscribe((snapshot) => {
        percentages.push(snapshot.context.percentage);
        if (snapshot.value === 'running') etas.push(snapshot.context.eta);
      });

      actor.send({ type: 'START' });
      const final = await settle(actor);

      expect(states).toEqual(['idle', 'starting', 'running', 'done']);
      expect(final.context).toMatchObject({ status: 'COMPLETED', percentage: 100, eta: null, error: null, tooLateToCancel: false });
      expect(final.context.transport).toBe(transport);
      expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
      expect(etas.some((eta) => typeof eta === 'number' && eta > 0)).toBe(true);
      expect(final.context.finishedAt).toBeGreaterThanOrEqual(final.context.startedAt!);
      const { iterable } = await client.list();
      expect(iterable.map((backup) => backup.id)).toEqual([final.context.backupId]);
      expect(starts('creation')).toBe(1);
      // the persisted snapshot is plain JSON
      const persisted = actor.getPersistedSnapshot();
      expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
    });
  }

  for (const [name, kind, setState, body] of [
    ['505 (OS out of date)', 'update-required', { osUpToDate: false }, /update/i],
    ['511 (not signed in)', 'authentication-required', { signedIn: false }, /sign/i],
  ] as const) {
    for (const transport of ['websocket', 'ndjson'] as const) {
      it(`${name} over ${transport} fails with kind ${kind}, carries the message, and is not retried until RETRY`, async () => {
        emulator.current.admin.setState(setState);
        const { client, starts } = countedClient(emulator.current);
        const actor = track(createBackupActor(client, { transport, stream: STREAM }));
        actor.send({ type: 'START' });
        const failed = await settle(actor);
        expect(failed.value).toBe('failed');
        expect(failed.context.error).toMatchObject({ kind, status: kind === 'update-required' ? 505 : 511 });
        expect(failed.context.error?.body).toMatch(body);
        expect(failed.context.error?.userAction).toBeTruthy();

        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(actor.getSnapshot().value).toBe('failed');
        expect(starts('creation')).toBe(1);

        emulator.current.admin.setState({ osUpToDate: true, signedIn: true });
        actor.send({ type: 'RETRY' });
        expect(actor.getSnapshot().value).toBe('starting');
        const done = await settle(actor);
        expect(done.value).toBe('done');
        expect(done.context.error).toBeNull();
        expect(starts('creation')).toBe(2);
      });
    }
  }

  for (const [transport, operation] of [
    ['websocket', 'backups_create_streamed_websocket'],
    ['ndjson', 'backups_create_new_backup_streamed'],
  ] as const) {
    it(`a ${transport} stream killed mid-way still ends done (fallback), with one creation`, async () => {
      emulator.current.admin.injectFault({ operation, resetAfterFrames: 3, times: 1 });
      const { client, starts } = countedClient(emulator.current);
      const actor = track(createBackupActor(client, { transport, stream: { ...STREAM, recoverStream: false } }));
      const transports: Array<string | null> = [];
      actor.subscribe(({ context }) => {
        if (context.transport !== transports.at(-1)) transports.push(context.transport);
      });
      actor.send({ type: 'START' });
      const final = await settle(actor);
      expect(final.value).toBe('done');
      // context.transport follows the fallback
      expect(transports).toEqual([null, transport, 'polling']);
      expect(starts('creation')).toBe(1);
      expect((await client.list()).iterable).toHaveLength(1);
    });
  }

  it('START is ignored while an operation runs (no second operation)', async () => {
    const { client, starts } = countedClient(emulator.current);
    const actor = track(createBackupActor(client, { stream: STREAM }));
    actor.send({ type: 'START' });
    actor.send({ type: 'START' });
    await reach(actor, 'running');
    actor.send({ type: 'START' });
    actor.send({ type: 'ATTACH', backupId: 'other' });
    expect(actor.getSnapshot().value).toBe('running');
    expect((await settle(actor)).value).toBe('done');
    expect(starts('creation')).toBe(1);

    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('starting');
    expect((await settle(actor)).value).toBe('done');
    expect((await client.list()).iterable).toHaveLength(2);
  });

  it('ATTACH follows a creation started elsewhere to done, starting nothing', async () => {
    const response = await fetch(`${emulator.url}/backup`, { method: 'POST' });
    expect(response.status).toBe(204);
    const backupId = await waitFor(() => emulator.current.admin.operations().creations[0]?.backup.id, 'a creation');
    const { client, starts } = countedClient(emulator.current);
    const actor = track(createBackupActor(client, { stream: STREAM }));
    const states = recordStates(actor);
    actor.send({ type: 'ATTACH', backupId });
    const final = await settle(actor);
    expect(states).toEqual(['idle', 'running', 'done']);
    expect(final.context).toMatchObject({ backupId, attached: true, status: 'COMPLETED' });
    expect(starts('creation')).toBe(0);
  });

  it('ATTACH to an unknown id fails with not-found; RETRY re-attaches, never starts', async () => {
    const { client, starts } = countedClient(emulator.current);
    const actor = track(createBackupActor(client, { stream: STREAM }));
    actor.send({ type: 'ATTACH', backupId: '9.0.0_1' });
    const failed = await settle(actor);
    expect(failed.context.error).toMatchObject({ kind: 'not-found', status: 404 });
    actor.send({ type: 'RETRY' });
    expect(actor.getSnapshot().value).toBe('running');
    expect((await settle(actor)).value).toBe('failed');
    expect(starts('creation')).toBe(0);
  });
});

describe('backup lifecycle across a reload', () => {
  it('resumes a persisted running backup with a new client: reaches done, one creation started', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 150_000 });
    const first = countedClient(emulator.current);
    const before = track(createBackupActor(first.client, { stream: STREAM }));
    before.send({ type: 'START' });
    await waitFor(() => (before.getSnapshot().context.percentage > 5 ? true : undefined), 'some progress');
    const saved = JSON.stringify(before.getPersistedSnapshot());
    const { backupId } = before.getSnapshot().context;
    before.stop();
    await waitFor(() => (first.sockets.open.length === 0 && first.http.open.length === 0 ? true : undefined), 'the old actor released');
    expect(emulator.current.admin.operations().creations.map((status) => status.backup.id)).toEqual([backupId]);

    const second = countedClient(emulator.current);
    const after = track(createBackupActor(second.client, { stream: STREAM, snapshot: JSON.parse(saved) as Snapshot<unknown> }));
    expect(after.getSnapshot().value).toBe('running');
    const final = await settle(after);
    expect(final.value).toBe('done');
    expect(final.context.backupId).toBe(backupId);
    expect(final.context.percentage).toBe(100);
    expect(first.starts('creation') + second.starts('creation')).toBe(1);
    expect((await second.client.list()).iterable.map((backup) => backup.id)).toEqual([backupId]);
  });

  it('a snapshot persisted while starting, before the request left: resumes to not-found, starts nothing', async () => {
    const first = countedClient(emulator.current);
    const before = track(createBackupActor(first.client, { stream: STREAM }));
    before.send({ type: 'START' });
    const saved = JSON.stringify(before.getPersistedSnapshot());
    before.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(emulator.current.admin.operations().creations).toEqual([]);

    const second = countedClient(emulator.current);
    const after = track(createBackupActor(second.client, { stream: STREAM, snapshot: JSON.parse(saved) as Snapshot<unknown> }));
    expect(after.getSnapshot().value).toBe('starting');
    const failed = await settle(after);
    expect(failed.context.error).toMatchObject({ kind: 'not-found', name: 'OperationLostError' });
    expect(second.starts('creation')).toBe(0);
    expect((await second.client.list()).iterable).toEqual([]);
  });

  it('a snapshot persisted while starting, the creation in flight: resumes by discovery, one creation', async () => {
    emulator.current.admin.setState({ rateBytesPerSecond: 150_000 });
    const first = countedClient(emulator.current);
    const before = track(createBackupActor(first.client, { stream: STREAM }));
    before.send({ type: 'START' });
    const saved = JSON.stringify(before.getPersistedSnapshot());
    before.stop();
    // the request the old page sent reached the daemon
    expect((await fetch(`${emulator.url}/backup`, { method: 'POST' })).status).toBe(204);
    const backupId = await waitFor(() => emulator.current.admin.operations().creations[0]?.backup.id, 'the creation');

    const second = countedClient(emulator.current);
    const after = track(createBackupActor(second.client, { stream: STREAM, snapshot: JSON.parse(saved) as Snapshot<unknown> }));
    const final = await settle(after);
    expect(final.value).toBe('done');
    expect(final.context.backupId).toBe(backupId);
    expect(second.starts('creation')).toBe(0);
    expect((await second.client.list()).iterable).toHaveLength(1);
  });
});

describe('backup lifecycle leaves nothing behind', () => {
  const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

  for (const transport of ['websocket', 'ndjson', 'polling'] as const) {
    for (const stopIn of ['running', 'cancelling'] as const) {
      it(`actor.stop() while ${stopIn} over ${transport}: no open request, socket, abort listener or timer`, async () => {
        emulator.current.admin.setState({ rateBytesPerSecond: 100_000, cancelDelayMs: 2_000 });
        const baseline = timers();
        const counted = countedClient(emulator.current);
        const tracked = trackClientSignals(counted.client);
        const waits = countingScheduler();
        try {
          const actor = createBackupActor(tracked.client, { transport, stream: STREAM, clock: { scheduler: waits.scheduler } });
          actor.send({ type: 'START' });
          await reach(actor, 'running');
          await waitFor(() => (actor.getSnapshot().context.percentage > 0 ? true : undefined), 'progress');
          if (stopIn === 'cancelling') {
            actor.send({ type: 'CANCEL' });
            await waitFor(() => (counted.cancels('creation') > 0 ? true : undefined), 'the cancel request');
          }
          expect(actor.getSnapshot().value).toBe(stopIn);
          actor.stop();

          await waitFor(() => (counted.http.open.length === 0 ? true : undefined), 'every request closed');
          await waitFor(() => (counted.sockets.open.length === 0 ? true : undefined), 'every socket closed');
          expect(counted.http.requests.length + counted.sockets.sockets.length).toBeGreaterThan(0);
          expect(tracked.leaked()).toEqual([]);
          expect(waits.pending).toBe(0);
          await idleEmulator(emulator.current);
          await waitFor(() => (timers() <= baseline ? true : undefined), 'no timer left', 10_000);
        } finally {
          tracked.restore();
        }
      });
    }
  }
});
