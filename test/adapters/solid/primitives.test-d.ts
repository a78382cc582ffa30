import type { Accessor } from 'solid-js';
import { describe, expectTypeOf, it } from 'vitest';
import { BackupProvider, useBackups, useLifecycle, useOperations, useSelector } from '../../../src/adapters/solid/index.js';
import { createBackupCore, createLifecycle, shallowEqual, type BackupSnapshot, type BackupsState, type RestoreSnapshot } from '../../../src/core/index.js';
import { createBackupClient } from '../../../src/index.js';

describe('primitive types', () => {
  it('useLifecycle gives an accessor of the kind snapshot, or of what the selector returns', () => {
    expectTypeOf(useLifecycle('creation')).toEqualTypeOf<Accessor<BackupSnapshot>>();
    expectTypeOf(useLifecycle('restoration')).toEqualTypeOf<Accessor<RestoreSnapshot>>();
    expectTypeOf(useLifecycle('creation', (s) => s.context.percentage)).toEqualTypeOf<Accessor<number>>();
    expectTypeOf(useLifecycle('restoration', (s) => ({ value: s.value }), shallowEqual)).toEqualTypeOf<Accessor<{ value: RestoreSnapshot['value'] }>>();
    // @ts-expect-error the equality compares what the selector returns
    useLifecycle('creation', (s) => s.context.percentage, (a: string, b: string) => a === b);
  });

  it('useBackups, useOperations and useSelector select from their store', () => {
    expectTypeOf(useBackups()).toEqualTypeOf<Accessor<BackupsState>>();
    expectTypeOf(useOperations((s) => s.restorations[0]?.backupId)).toEqualTypeOf<Accessor<string | undefined>>();
    const lifecycle = createLifecycle(createBackupClient({ baseUrl: 'http://127.0.0.1:1' }), 'creation');
    expectTypeOf(useSelector(lifecycle, (s) => s.value)).toEqualTypeOf<Accessor<BackupSnapshot['value']>>();
  });

  it('BackupProvider takes a core or a client', () => {
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:1' });
    BackupProvider({ core: createBackupCore(client) });
    BackupProvider({ client, options: { transport: 'ndjson' } });
    // @ts-expect-error one or the other
    BackupProvider({});
  });
});
