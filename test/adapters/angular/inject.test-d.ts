import type { Signal } from '@angular/core';
import { describe, expectTypeOf, it } from 'vitest';
import { injectBackups, injectLifecycle, injectOperations, injectSelector, provideBackupCore } from '../../../src/adapters/angular/index.js';
import { createLifecycle, shallowEqual, type BackupSnapshot, type BackupsState, type RestoreSnapshot } from '../../../src/core/index.js';
import { createBackupClient } from '../../../src/index.js';

describe('inject function types', () => {
  it('injectLifecycle gives a signal of the kind snapshot, or of what the selector returns', () => {
    expectTypeOf(injectLifecycle('creation')).toEqualTypeOf<Signal<BackupSnapshot>>();
    expectTypeOf(injectLifecycle('restoration')()).toEqualTypeOf<RestoreSnapshot>();
    expectTypeOf(injectLifecycle('creation', (s) => s.context.percentage)()).toEqualTypeOf<number>();
    expectTypeOf(injectLifecycle('restoration', (s) => ({ value: s.value }), shallowEqual)()).toEqualTypeOf<{ value: RestoreSnapshot['value'] }>();
    // @ts-expect-error the equality compares what the selector returns
    injectLifecycle('creation', (s) => s.context.percentage, (a: string, b: string) => a === b);
  });

  it('injectBackups, injectOperations and injectSelector select from their store; the signal is read-only', () => {
    expectTypeOf(injectBackups()()).toEqualTypeOf<BackupsState>();
    expectTypeOf(injectOperations((s) => s.restorations[0]?.backupId)()).toEqualTypeOf<string | undefined>();
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:1' });
    const lifecycle = createLifecycle(client, 'creation');
    const value = injectSelector(lifecycle, (s) => s.value);
    expectTypeOf(value()).toEqualTypeOf<BackupSnapshot['value']>();
    expectTypeOf(value).not.toHaveProperty('set');
    expectTypeOf(provideBackupCore(client)).toBeArray();
  });
});
