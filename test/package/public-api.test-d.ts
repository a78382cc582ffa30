// Type tests of the public API (issue #10), as users import it: snapshot context, events,
// error guards, adapter return types. Run by `npm test` (vitest typecheck) and `tsc --noEmit`.
import type { Signal } from '@angular/core';
import type { Accessor } from 'solid-js';
import type { Readable } from 'svelte/store';
import { describe, expectTypeOf, it } from 'vitest';
import type { ShallowRef } from 'vue';
import * as angular from '../../src/adapters/angular/index.js';
import * as react from '../../src/adapters/react/index.js';
import * as solid from '../../src/adapters/solid/index.js';
import * as svelte from '../../src/adapters/svelte/index.js';
import * as vue from '../../src/adapters/vue/index.js';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createActor } from 'xstate';
import {
  createBackupClient,
  createBackupCore,
  createBackupMachine,
  createLifecycle,
  createRestoreMachine,
  discoverDaemon,
  isPiecesBackupError,
  select,
  type Backup,
  type BackupClient,
  type BackupCore,
  type BackupEvent,
  type BackupSnapshot,
  type BackupStatusValue,
  type LifecycleError,
  type PiecesBackupErrors,
  type RestoreEvent,
  type RestoreSnapshot,
  type RetentionPlan,
  type ScheduleView,
  type Store,
  type Wire,
  planRetention,
  scheduleText,
  retentionText,
} from '../../src/index.js';

type BackupsState = ReturnType<BackupCore['backups']['getSnapshot']>;
type RetentionView = ReturnType<BackupCore['retention']['getSnapshot']>;
type RetentionReport = Awaited<ReturnType<BackupCore['retention']['prune']>>;
type RunRecord = NonNullable<Awaited<ReturnType<BackupCore['schedule']['runNow']>>>;

declare const client: BackupClient;

describe('snapshots', () => {
  it('a backup snapshot carries the context a UI shows, with its nulls', () => {
    const snapshot = createLifecycle(client, 'creation').getSnapshot();
    expectTypeOf(snapshot).toEqualTypeOf<BackupSnapshot>();
    expectTypeOf(snapshot.context.percentage).toEqualTypeOf<number>();
    expectTypeOf(snapshot.context.eta).toEqualTypeOf<number | null>();
    expectTypeOf(snapshot.context.backupId).toEqualTypeOf<string | null>();
    expectTypeOf(snapshot.context.status).toEqualTypeOf<BackupStatusValue | null>();
    expectTypeOf(snapshot.context.error).toEqualTypeOf<LifecycleError | null>();
    expectTypeOf(snapshot.context.tooLateToCancel).toEqualTypeOf<boolean>();
    expectTypeOf(snapshot.context.retrying).toEqualTypeOf<{ attempt: number; nextAttemptAt: number; error: LifecycleError } | null>();
  });

  it('states are a closed set: matches() refuses a state that does not exist', () => {
    const snapshot = createLifecycle(client, 'creation').getSnapshot();
    expectTypeOf(snapshot.matches('running')).toEqualTypeOf<boolean>();
    // @ts-expect-error no such state
    snapshot.matches('paused');
    const restore: RestoreSnapshot = createLifecycle(client, 'restoration').getSnapshot();
    expectTypeOf(restore.matches('confirming')).toEqualTypeOf<boolean>();
  });

  it('a lifecycle error says whether the outcome is known and what to do', () => {
    expectTypeOf<LifecycleError['outcomeUnknown']>().toEqualTypeOf<boolean>();
    expectTypeOf<LifecycleError['kind']>().toExtend<string>();
    expectTypeOf<LifecycleError['userAction']>().toEqualTypeOf<string>();
  });
});

describe('events', () => {
  it('the backup actor takes START, CANCEL, RETRY, ATTACH by id, and nothing else', () => {
    const actor = createActor(createBackupMachine(client));
    expectTypeOf<{ type: 'START' }>().toExtend<BackupEvent>();
    expectTypeOf<{ type: 'ATTACH'; backupId: string }>().toExtend<BackupEvent>();
    actor.send({ type: 'CANCEL' });
    // @ts-expect-error ATTACH needs the id of the operation to follow
    actor.send({ type: 'ATTACH' });
    // @ts-expect-error restores are the other machine's
    actor.send({ type: 'RESTORE', backupId: 'b1' });
  });

  it('the restore actor takes RESTORE with a backup id and an explicit confirmation', () => {
    const actor = createActor(createRestoreMachine(client));
    actor.send({ type: 'RESTORE', backupId: 'b1', confirm: true });
    expectTypeOf<{ type: 'CONFIRM' }>().toExtend<RestoreEvent>();
    // @ts-expect-error which backup?
    actor.send({ type: 'RESTORE' });
    // @ts-expect-error confirm is a boolean, not a string
    actor.send({ type: 'RESTORE', backupId: 'b1', confirm: 'yes' });
  });
});

describe('error guards', () => {
  it('one guard narrows unknown to the typed error its name says, with its fields', () => {
    const error: unknown = undefined;
    if (isPiecesBackupError(error, 'UpdateRequiredError')) {
      expectTypeOf(error).toEqualTypeOf<PiecesBackupErrors['UpdateRequiredError']>();
      expectTypeOf(error.status).toEqualTypeOf<505>();
    }
    if (isPiecesBackupError(error, 'AuthenticationRequiredError')) expectTypeOf(error.status).toEqualTypeOf<511>();
    if (isPiecesBackupError(error, 'OperationFailedError')) {
      expectTypeOf(error).toEqualTypeOf<PiecesBackupErrors['OperationFailedError']>();
      expectTypeOf(error.backupId).toEqualTypeOf<string | null>();
    }
    if (isPiecesBackupError(error, 'HttpError')) expectTypeOf(error.status).toEqualTypeOf<number>();
    if (isPiecesBackupError(error, 'CancelTimeoutError')) expectTypeOf(error.name).toEqualTypeOf<'CancelTimeoutError'>();
    if (isPiecesBackupError(error)) expectTypeOf(error.name).toEqualTypeOf<PiecesBackupErrors[keyof PiecesBackupErrors]['name']>();
    expectTypeOf<PiecesBackupErrors['CancelTimeoutError']>().toExtend<Error>();
    // @ts-expect-error no error of that name
    isPiecesBackupError(error, 'TypeError');
  });

  it('the wire models are one namespace', () => {
    expectTypeOf<Wire['Backup']>().toEqualTypeOf<Backup>();
    expectTypeOf<Wire['BackupStatus']['value']>().toEqualTypeOf<BackupStatusValue | undefined>();
  });
});

describe('transport and emulator', () => {
  it('calls return promises of the wire models', () => {
    expectTypeOf(discoverDaemon).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(createBackupClient).returns.toEqualTypeOf<BackupClient>();
    expectTypeOf(startEmulator).returns.toEqualTypeOf<Promise<Emulator>>();
    // the emulator is a Node-only entry: its admin hands out Node's Buffer
    expectTypeOf<ReturnType<Emulator['admin']['readDatabaseBytes']>>().toEqualTypeOf<Buffer>();
  });
});

describe('adapter return types', () => {
  const pick = (snapshot: BackupSnapshot) => snapshot.context.percentage;

  it('each framework gets its own reactive type over the same snapshot', () => {
    expectTypeOf(react.useLifecycle('creation')).toEqualTypeOf<BackupSnapshot>();
    expectTypeOf(react.useLifecycle('creation', pick)).toEqualTypeOf<number>();
    expectTypeOf(react.useBackups()).toEqualTypeOf<BackupsState>();
    expectTypeOf(vue.useLifecycle('creation', pick)).toEqualTypeOf<Readonly<ShallowRef<number>>>();
    expectTypeOf(vue.useLifecycle('restoration')).toEqualTypeOf<Readonly<ShallowRef<RestoreSnapshot>>>();
    expectTypeOf(svelte.useLifecycle('creation', pick)).toEqualTypeOf<Readable<number>>();
    expectTypeOf(solid.useLifecycle('creation', pick)).toEqualTypeOf<Accessor<number>>();
    expectTypeOf(angular.injectLifecycle('creation', pick)).toEqualTypeOf<Signal<number>>();
    expectTypeOf(angular.injectBackups()).toEqualTypeOf<Signal<BackupsState>>();
  });

  it('the core is a store of stores: select keeps the selection type', () => {
    const core = createBackupCore(client);
    expectTypeOf(core).toEqualTypeOf<BackupCore>();
    expectTypeOf(select(core.backups, (state) => state.backups.length)).toEqualTypeOf<Store<number>>();
    // @ts-expect-error the selector reads the state it is given
    select(core.backups, (state: string) => state);
  });

  it('the policy: the core has schedule and retention stores with typed commands; the faces bind them', () => {
    const core = createBackupCore(client, { schedule: { every: '6h' }, retention: { keepLast: 3 } });
    expectTypeOf(core.schedule.getSnapshot()).toEqualTypeOf<ScheduleView>();
    expectTypeOf(core.schedule.getSnapshot().phase).toEqualTypeOf<'idle' | 'waiting' | 'running' | 'paused' | 'stopped' | 'disposed'>();
    expectTypeOf(core.schedule.runNow()).toEqualTypeOf<Promise<RunRecord | null>>();
    expectTypeOf(core.retention.getSnapshot()).toEqualTypeOf<RetentionView>();
    expectTypeOf(core.retention.getSnapshot().plan).toEqualTypeOf<RetentionPlan | null>();
    expectTypeOf(core.retention.prune()).toEqualTypeOf<Promise<RetentionReport>>();
    expectTypeOf(planRetention([], { keepDaily: 7 })).toEqualTypeOf<RetentionPlan>();
    expectTypeOf(scheduleText(core.schedule.getSnapshot()).summary).toEqualTypeOf<string>();
    expectTypeOf(retentionText({ action: 'keep', reasons: ['newest'] })).toEqualTypeOf<string>();
    // @ts-expect-error a count is a number, not text
    core.retention.setPolicy({ keepLast: '3' });
    // @ts-expect-error every or dailyAt, as text
    createBackupCore(client, { schedule: { every: 6 } });
    expectTypeOf(react.useSchedule((view) => view.nextDueAt)).toEqualTypeOf<number | null>();
    expectTypeOf(react.useRetention()).toEqualTypeOf<RetentionView>();
    expectTypeOf(vue.useSchedule((view) => view.stale)).toEqualTypeOf<Readonly<ShallowRef<boolean>>>();
    expectTypeOf(svelte.useRetention((view) => view.pruning)).toEqualTypeOf<Readable<boolean>>();
    expectTypeOf(solid.useSchedule()).toEqualTypeOf<Accessor<ScheduleView>>();
    expectTypeOf(angular.injectRetention((view) => view.plan)).toEqualTypeOf<Signal<RetentionPlan | null>>();
  });
});
