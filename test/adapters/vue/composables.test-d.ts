import type { ShallowRef } from 'vue';
import { describe, expectTypeOf, it } from 'vitest';
import { useBackups, useLifecycle, useOperations, useSelector } from '../../../src/adapters/vue/index.js';
import { createLifecycle, shallowEqual, type BackupSnapshot, type BackupsState, type RestoreSnapshot } from '../../../src/core/index.js';
import { createBackupClient } from '../../../src/index.js';

describe('composable types', () => {
  it('useLifecycle gives a ref of the kind snapshot, or of what the selector returns', () => {
    expectTypeOf(useLifecycle('creation')).toEqualTypeOf<Readonly<ShallowRef<BackupSnapshot>>>();
    expectTypeOf(useLifecycle('restoration').value).toEqualTypeOf<RestoreSnapshot>();
    expectTypeOf(useLifecycle('creation', (s) => s.context.percentage).value).toEqualTypeOf<number>();
    expectTypeOf(useLifecycle('restoration', (s) => ({ value: s.value }), shallowEqual).value).toEqualTypeOf<{ value: RestoreSnapshot['value'] }>();
    // @ts-expect-error the equality compares what the selector returns
    useLifecycle('creation', (s) => s.context.percentage, (a: string, b: string) => a === b);
  });

  it('useBackups, useOperations and useSelector select from their store (or a ref or getter of one)', () => {
    expectTypeOf(useBackups().value).toEqualTypeOf<BackupsState>();
    expectTypeOf(useOperations((s) => s.restorations[0]?.backupId).value).toEqualTypeOf<string | undefined>();
    const lifecycle = createLifecycle(createBackupClient({ baseUrl: 'http://127.0.0.1:1' }), 'creation');
    expectTypeOf(useSelector(lifecycle, (s) => s.value).value).toEqualTypeOf<BackupSnapshot['value']>();
    expectTypeOf(useSelector(() => lifecycle, (s) => s.value).value).toEqualTypeOf<BackupSnapshot['value']>();
  });
});
