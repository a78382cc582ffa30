import { describe, expectTypeOf, it } from 'vitest';
import { useBackups, useLifecycle, useOperations, useSelector } from '../../../src/adapters/react/index.js';
import {
  createLifecycle,
  shallowEqual,
  type BackupLifecycle,
  type BackupSnapshot,
  type BackupsState,
  type RestoreLifecycle,
  type RestoreSnapshot,
} from '../../../src/core/index.js';
import { createBackupClient } from '../../../src/index.js';

describe('hook types', () => {
  it('useLifecycle gives the kind snapshot, or what the selector returns', () => {
    expectTypeOf(useLifecycle('creation')).toEqualTypeOf<BackupSnapshot>();
    expectTypeOf(useLifecycle('restoration')).toEqualTypeOf<RestoreSnapshot>();
    expectTypeOf(useLifecycle('creation', (s) => s.context.percentage)).toEqualTypeOf<number>();
    expectTypeOf(useLifecycle('restoration', (s) => ({ value: s.value }), shallowEqual)).toEqualTypeOf<{ value: RestoreSnapshot['value'] }>();
    // @ts-expect-error the equality compares what the selector returns
    useLifecycle('creation', (s) => s.context.percentage, (a: string, b: string) => a === b);
  });

  it('useBackups, useOperations and useSelector select from their store', () => {
    expectTypeOf(useBackups()).toEqualTypeOf<BackupsState>();
    expectTypeOf(useBackups((s) => s.backups.length)).toEqualTypeOf<number>();
    expectTypeOf(useOperations((s) => s.restorations[0]?.backupId)).toEqualTypeOf<string | undefined>();
    const lifecycle = createLifecycle(createBackupClient({ baseUrl: 'http://127.0.0.1:1' }), 'creation');
    expectTypeOf(useSelector(lifecycle, (s) => s.value)).toEqualTypeOf<BackupSnapshot['value']>();
  });

  it('createLifecycle returns the commands of its kind', () => {
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:1' });
    expectTypeOf(createLifecycle(client, 'creation')).toEqualTypeOf<BackupLifecycle>();
    expectTypeOf(createLifecycle(client, 'restoration')).toEqualTypeOf<RestoreLifecycle>();
    // @ts-expect-error a backup lifecycle has no restore()
    createLifecycle(client, 'creation').restore('b');
  });
});
