import type { SnapshotFrom } from 'xstate';
import { describe, expectTypeOf, it } from 'vitest';
import { createBackupClient, createLifecycle, lifecycleText, type BackupMachine, type OperationKind, type RestoreMachine } from '../../src/index.js';
import { type LifecycleState, type LifecycleTextOverrides } from '../../src/core/index.js';

const client = createBackupClient({ baseUrl: 'http://127.0.0.1:1' });

describe('the lifecycle handle, typed by the machines', () => {
  it("has the machine's own snapshot and the wire's kind", () => {
    const backup = createLifecycle(client, 'creation');
    const restore = createLifecycle(client, 'restoration');
    expectTypeOf(backup.getSnapshot()).toEqualTypeOf<SnapshotFrom<BackupMachine>>();
    expectTypeOf(restore.getSnapshot()).toEqualTypeOf<SnapshotFrom<RestoreMachine>>();
    expectTypeOf(backup.kind).toEqualTypeOf<'creation'>();
    expectTypeOf(restore.kind).toEqualTypeOf<'restoration'>();
    expectTypeOf<LifecycleState>().toEqualTypeOf<SnapshotFrom<BackupMachine>['value'] | SnapshotFrom<RestoreMachine>['value']>();
    // @ts-expect-error the old vocabulary is gone
    createLifecycle(client, 'backup');
    // @ts-expect-error a restore lifecycle has no start
    restore.start();
    // @ts-expect-error a backup lifecycle has no confirm
    backup.confirm();
  });

  it('takes any part of the text table, typed', () => {
    const texts: LifecycleTextOverrides = { noun: { creation: 'Sicherung' }, eta: (ms) => `${ms} ms` };
    expectTypeOf(lifecycleText('creation', createLifecycle(client, 'creation').getSnapshot(), { texts }).state).toEqualTypeOf<LifecycleState>();
    expectTypeOf<Parameters<typeof lifecycleText>[0]>().toEqualTypeOf<OperationKind>();
    // @ts-expect-error a state the charts do not have
    const wrong: LifecycleTextOverrides = { states: { paused: 'paused' } };
    void wrong;
  });
});
