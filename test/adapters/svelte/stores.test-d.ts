import { describe, expectTypeOf, it } from 'vitest';
import type { Readable } from 'svelte/store';
import { useBackups, useLifecycle, useOperations, useSelector } from '../../../src/adapters/svelte/index.js';
import { createLifecycle, shallowEqual, type BackupSnapshot, type BackupsState, type RestoreSnapshot } from '../../../src/core/index.js';
import { createBackupClient } from '../../../src/index.js';

describe('store types', () => {
  it('useLifecycle gives a readable of the kind snapshot, or of what the selector returns', () => {
    expectTypeOf(useLifecycle('creation')).toEqualTypeOf<Readable<BackupSnapshot>>();
    expectTypeOf(useLifecycle('restoration')).toEqualTypeOf<Readable<RestoreSnapshot>>();
    expectTypeOf(useLifecycle('creation', (s) => s.context.percentage)).toEqualTypeOf<Readable<number>>();
    expectTypeOf(useLifecycle('restoration', (s) => ({ value: s.value }), shallowEqual)).toEqualTypeOf<Readable<{ value: RestoreSnapshot['value'] }>>();
    // @ts-expect-error the equality compares what the selector returns
    useLifecycle('creation', (s) => s.context.percentage, (a: string, b: string) => a === b);
  });

  it('useBackups, useOperations and useSelector select from their store', () => {
    expectTypeOf(useBackups()).toEqualTypeOf<Readable<BackupsState>>();
    expectTypeOf(useOperations((s) => s.restorations[0]?.backupId)).toEqualTypeOf<Readable<string | undefined>>();
    const lifecycle = createLifecycle(createBackupClient({ baseUrl: 'http://127.0.0.1:1' }), 'creation');
    expectTypeOf(useSelector(lifecycle, (s) => s.value)).toEqualTypeOf<Readable<BackupSnapshot['value']>>();
  });
});
