import type { MonoTypeOperatorFunction, Observable } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BackupClient } from '../../src/api/backup-client.js';
import type { Backup, BackupStatus, SeededBackup } from '../../src/models/index.js';
import * as streams from '../../src/streams/index.js';
import type {
  DiscoveredOperations,
  OperationKind,
  OperationProgress,
  PollingOptions,
  ProgressTransport,
  StreamOptions,
} from '../../src/streams/index.js';

// The machines layer codes against these signatures: tsc fails this file if they drift.
describe('streams public surface', () => {
  it('exports exactly the documented functions, and the outcome rules the machines sequence', () => {
    expect(Object.keys(streams).sort()).toEqual([
      'BackupTooNewError',
      'CancelTimeoutError',
      'FeatureDisabledError',
      'OperationLostError',
      'OutcomeUnknownError',
      'STREAM_DEFAULTS',
      'SafetyBackupFailedError',
      'afterFeatureCheck',
      'cancelOperation',
      'checkFeatures',
      'checkOutcome',
      'compareVersions',
      'confirmSafetyBackup',
      'discoverOperations',
      'distinctProgress',
      'estimateEta',
      'isBackupTooNewError',
      'isCancelTimeoutError',
      'isFeatureDisabledError',
      'isOperationLostError',
      'isOutcomeUnknownError',
      'isSafetyBackupFailedError',
      'nonNegative',
      'pollStatus',
      'preflightRestore',
      'progressFromStatus',
      'resolveCancelRetry',
      'resolveStream',
      'resumeStart',
      'startCreation',
      'startCreationWith',
      'startRestoration',
      'startRestorationWith',
      'watchOperation',
      'watchOperationWith',
    ]);
  });

  it('keeps the agreed signatures', () => {
    expectTypeOf(streams.pollStatus).toBeCallableWith({} as BackupClient, 'creation' as OperationKind, 'id', {} as PollingOptions);
    expectTypeOf(streams.pollStatus).returns.toEqualTypeOf<Observable<BackupStatus>>();

    expectTypeOf(streams.startCreation).toBeCallableWith(
      {} as BackupClient,
      {} as StreamOptions & { transport: ProgressTransport; seed?: SeededBackup },
    );
    expectTypeOf(streams.startCreation).returns.toEqualTypeOf<Observable<OperationProgress>>();

    expectTypeOf(streams.startRestoration).toBeCallableWith(
      {} as BackupClient,
      'id',
      {} as StreamOptions & { transport: ProgressTransport; backup?: Backup },
    );
    expectTypeOf(streams.startRestoration).returns.toEqualTypeOf<Observable<OperationProgress>>();

    expectTypeOf(streams.watchOperation).toBeCallableWith(
      {} as BackupClient,
      'restoration' as OperationKind,
      'id',
      {} as StreamOptions & { transport?: 'websocket' | 'polling' },
    );
    expectTypeOf(streams.watchOperation).returns.toEqualTypeOf<Observable<OperationProgress>>();

    expectTypeOf(streams.discoverOperations).toBeCallableWith(
      {} as BackupClient,
      {} as PollingOptions & { transport?: 'websocket' | 'polling' },
    );
    expectTypeOf(streams.discoverOperations).returns.toEqualTypeOf<Observable<DiscoveredOperations>>();
    expectTypeOf<DiscoveredOperations>().toEqualTypeOf<{ creations: OperationProgress[]; restorations: OperationProgress[] }>();

    expectTypeOf(streams.distinctProgress).returns.toEqualTypeOf<MonoTypeOperatorFunction<OperationProgress>>();
  });
});
