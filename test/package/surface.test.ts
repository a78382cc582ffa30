import { describe, expect, it } from 'vitest';
import * as library from '../../src/index.js';
import { CancelTimeoutError, OperationFailedError, OperationLostError, OutcomeUnknownError, isPiecesBackupError } from '../../src/index.js';

// The public surface, listed: a name added or removed here is a decision, not an accident.
const VALUES = [
  // transport
  'createBackupClient',
  'discoverDaemon',
  'exponentialBackoff',
  'isTransientError',
  // models
  'isTerminalStatus',
  // errors: one class a failure, a name guard each
  'AbortedError',
  'AuthenticationRequiredError',
  'CancelTimeoutError',
  'ConflictError',
  'DaemonNotFoundError',
  'HttpError',
  'NetworkError',
  'NotFoundError',
  'OperationFailedError',
  'OperationLostError',
  'OutcomeUnknownError',
  'PiecesBackupError',
  'ProtocolError',
  'ServerError',
  'TimeoutError',
  'UpdateRequiredError',
  'isAbortedError',
  'isAuthenticationRequiredError',
  'isCancelTimeoutError',
  'isConflictError',
  'isDaemonNotFoundError',
  'isHttpError',
  'isNetworkError',
  'isNotFoundError',
  'isOperationFailedError',
  'isOperationLostError',
  'isOutcomeUnknownError',
  'isPiecesBackupError',
  'isProtocolError',
  'isServerError',
  'isTimeoutError',
  'isUpdateRequiredError',
  // streams
  'discoverOperations',
  'pollStatus',
  'startCreation',
  'startRestoration',
  'watchOperation',
  // machines: the base charts (for tools), bound machines (for createActor / useActorRef),
  // started actors (for scripts and tests)
  'backupMachine',
  'restoreMachine',
  'createBackupMachine',
  'createRestoreMachine',
  'createBackupActor',
  'createRestoreActor',
  // core: the stores the UI adapters bind to, a selection over one, its usual equality; the
  // one list each of settled and busy states and the one text model (English defaults an app replaces)
  'createBackupCore',
  'createLifecycle',
  'SETTLED_STATES',
  'BUSY_STATES',
  'LIFECYCLE_TEXTS',
  'lifecycleText',
  'select',
  'shallowEqual',
  // policy (issue 17): the pure functions a script calls, the input error and its guard, the
  // schedule's and the preview's words (English defaults an app replaces)
  'PolicyInputError',
  'isPolicyInputError',
  'parseDuration',
  'planRetention',
  'applyRetention',
  'createScheduleRunner',
  'SCHEDULE_TEXTS',
  'scheduleText',
  'retentionText',
];

describe('the public surface of pieces-backup', () => {
  it('exports exactly the listed values', () => {
    expect(Object.keys(library).sort()).toEqual([...VALUES].sort());
  });

  it("the machines' errors extend the library's base, so one guard sees every failure", () => {
    const errors = [
      new CancelTimeoutError({ backupId: 'b', deadline: 0 }),
      new OperationLostError({ kind: 'creation', backupId: null }),
      new OperationFailedError({ kind: 'restoration', backupId: 'b', status: 'FAILED' }),
      new OutcomeUnknownError({ kind: 'restoration', backupId: 'b', reason: 'same status as before' }),
    ];
    expect(errors.map(isPiecesBackupError)).toEqual([true, true, true, true]);
    expect(errors.map((error) => error.name)).toEqual(['CancelTimeoutError', 'OperationLostError', 'OperationFailedError', 'OutcomeUnknownError']);
  });
});
