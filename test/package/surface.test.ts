import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as library from '../../src/index.js';
import { isPiecesBackupError } from '../../src/index.js';
import { ConflictError, NotFoundError, TimeoutError, UpdateRequiredError } from '../../src/api/index.js';
import { OperationFailedError } from '../../machines/index.js';
import { CancelTimeoutError, OperationLostError, OutcomeUnknownError } from '../../src/streams/index.js';

// The public surface, listed: a name added or removed here is a decision, not an accident.
// Issue #15's budget: at most 35 runtime values and 60 names in all.
const VALUES = [
  // transport
  'createBackupClient',
  'discoverDaemon',
  'exponentialBackoff',
  'isTransientError',
  // models
  'isTerminalStatus',
  // errors: one guard for every class, by name (the classes are types: PiecesBackupErrors)
  'isPiecesBackupError',
  // streams
  'discoverOperations',
  'pollStatus',
  'startCreation',
  'startRestoration',
  'watchOperation',
  // machines, bound to a client: for createActor / useActorRef / the inspector
  'createBackupMachine',
  'createRestoreMachine',
  // core: the lifecycle handle every face drives, the stores the UI adapters bind to, a
  // selection over one and its usual equality, the one list each of settled and busy states
  // and the one text model (English defaults an app replaces)
  'createBackupCore',
  'createLifecycle',
  'SETTLED_STATES',
  'BUSY_STATES',
  'LIFECYCLE_TEXTS',
  'lifecycleText',
  'select',
  'shallowEqual',
  // policy (issue 17): the pure functions a script calls, the schedule's and the preview's
  // words (English defaults an app replaces); PolicyInputError is narrowed by the one guard
  'planRetention',
  'checkPolicy',
  'applyRetention',
  'createScheduleRunner',
  'SCHEDULE_TEXTS',
  'scheduleText',
  'retentionText',
];

const TYPES = [
  // models: the four every app names, the rest as one namespace
  'Wire',
  'Backup',
  'BackupStatusValue',
  'OperationKind',
  'SeededBackup',
  // transport
  'BackupClient',
  'BackupClientOptions',
  'RetryOptions',
  // errors
  'PiecesBackupErrorName',
  'PiecesBackupErrors',
  // streams
  'OperationProgress',
  'ProgressTransport',
  'StreamOptions',
  // machines
  'BackupEvent',
  'BackupMachine',
  'LifecycleContext',
  'LifecycleError',
  'LifecycleOptions',
  'RestoreEvent',
  'RestoreMachine',
  // core
  'BackupCore',
  'BackupCoreOptions',
  'BackupLifecycle',
  'BackupSnapshot',
  'LifecycleTexts',
  'RestoreLifecycle',
  'RestoreSnapshot',
  'Store',
  // policy
  'RetentionPlan',
  'RetentionPolicy',
  'ScheduleView',
];

/** Every name the root entry exports, as the compiler sees it (values and types). */
function exportedNames(): string[] {
  const entry = path.resolve(import.meta.dirname, '../../src/index.ts');
  const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, strict: true });
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker.getExportsOfModule(symbol).map((exported) => exported.name);
}

describe('the public surface of pieces-backup', () => {
  it('exports exactly the listed values', () => {
    expect(Object.keys(library).sort()).toEqual([...VALUES].sort());
  });

  it('exports exactly the listed names, within the budget (35 values, 60 names)', () => {
    expect(exportedNames().sort()).toEqual([...VALUES, ...TYPES].sort());
    expect(VALUES.length).toBeLessThanOrEqual(35);
    expect(VALUES.length + TYPES.length).toBeLessThanOrEqual(60);
  });

  it("every layer's errors extend the library's base, so one guard sees every failure", () => {
    const errors = [
      new CancelTimeoutError({ backupId: 'b', deadline: 0 }),
      new OperationLostError({ kind: 'creation', backupId: null }),
      new OperationFailedError({ kind: 'restoration', backupId: 'b', status: 'FAILED' }),
      new OutcomeUnknownError({ kind: 'restoration', backupId: 'b', reason: 'same status as before' }),
    ];
    expect(errors.map((error) => isPiecesBackupError(error))).toEqual([true, true, true, true]);
    expect(errors.map((error) => error.name)).toEqual(['CancelTimeoutError', 'OperationLostError', 'OperationFailedError', 'OutcomeUnknownError']);
  });

  it('the one guard narrows by name; HttpError takes in its subclasses; a look-alike is not ours', () => {
    const conflict = new ConflictError({ method: 'POST', url: 'http://x/backup', body: '' });
    expect(isPiecesBackupError(conflict, 'ConflictError')).toBe(true);
    expect(isPiecesBackupError(conflict, 'HttpError')).toBe(true);
    expect(isPiecesBackupError(conflict, 'NotFoundError')).toBe(false);
    expect(isPiecesBackupError(new TimeoutError({ method: 'GET', url: 'http://x', timeoutMs: 1 }), 'TimeoutError')).toBe(true);
    // a DOMException-like error named TimeoutError carries no brand
    expect(isPiecesBackupError(Object.assign(new Error('t'), { name: 'TimeoutError' }), 'TimeoutError')).toBe(false);
    expect(isPiecesBackupError(new UpdateRequiredError({ method: 'GET', url: 'http://x', body: '' }), 'HttpError')).toBe(true);
    expect(isPiecesBackupError(new NotFoundError({ method: 'GET', url: 'http://x', body: '' }), 'ServerError')).toBe(false);
  });
});
