import { describe, expect, it } from 'vitest';
import {
  BackupTooNewError,
  CancelTimeoutError,
  FeatureDisabledError,
  OperationLostError,
  OutcomeUnknownError,
  SafetyBackupFailedError,
  isBackupTooNewError,
  isOutcomeUnknownError,
  isSafetyBackupFailedError,
  toLifecycleError,
} from '../../machines/index.js';
import {
  AbortedError,
  AuthenticationRequiredError,
  ConflictError,
  HttpError,
  NetworkError,
  NotFoundError,
  ProtocolError,
  ServerError,
  TimeoutError,
  UpdateRequiredError,
} from '../../src/api/index.js';

const at = { method: 'POST', url: 'http://127.0.0.1:39300/backups/create/streamed' };

describe('toLifecycleError', () => {
  it('an answer RETRY could not decide: outcome unknown, and no advice to retry again', () => {
    const error = new OutcomeUnknownError({ kind: 'restoration', backupId: 'b1', reason: 'an earlier restoration ended the same way' });
    const data = toLifecycleError(error, true);
    expect(isOutcomeUnknownError(error)).toBe(true);
    expect(data).toMatchObject({ kind: 'unknown', name: 'OutcomeUnknownError', outcomeUnknown: true });
    expect(data.message).toContain('b1');
    expect(data.userAction).toMatch(/cannot tell whether it ran/);
    expect(data.userAction).not.toMatch(/retry/i);
  });

  it('keeps 505 and 511 distinct, with the daemon message and a user action', () => {
    const update = toLifecycleError(new UpdateRequiredError({ ...at, body: 'Pieces OS 9.0.0 is too old' }));
    const signIn = toLifecycleError(new AuthenticationRequiredError({ ...at, body: 'not signed in' }));
    expect(update).toMatchObject({ kind: 'update-required', name: 'UpdateRequiredError', status: 505, body: 'Pieces OS 9.0.0 is too old' });
    expect(signIn).toMatchObject({ kind: 'authentication-required', name: 'AuthenticationRequiredError', status: 511, body: 'not signed in' });
    expect(update.userAction).not.toBe(signIn.userAction);
    expect(update.message).toContain('too old');
  });

  it.each([
    [new ConflictError({ ...at, body: 'busy' }), 'conflict'],
    [new NotFoundError(at), 'not-found'],
    [new NetworkError(at), 'network'],
    [new TimeoutError({ ...at, timeoutMs: 10 }), 'timeout'],
    [new ProtocolError({ message: 'bad frame', url: at.url }), 'protocol'],
    [new ServerError({ ...at, status: 500, body: 'boom' }), 'server'],
    [new ServerError({ ...at, status: 503 }), 'server'],
    [new CancelTimeoutError({ backupId: 'b', deadline: 1 }), 'cancel-timeout'],
    [new OperationLostError({ kind: 'creation', backupId: null }), 'not-found'],
    [new HttpError({ ...at, status: 400, body: 'malformed id' }), 'unknown'],
    [new AbortedError(), 'unknown'],
    [new Error('odd'), 'unknown'],
    ['a string', 'unknown'],
  ] as const)('%s is %s', (error, kind) => {
    expect(toLifecycleError(error).kind).toBe(kind);
  });

  it('is plain data that survives JSON', () => {
    const error = toLifecycleError(new ServerError({ ...at, status: 500, body: 'no backup creation in progress' }));
    expect(JSON.parse(JSON.stringify(error))).toEqual(error);
    expect(error).toEqual({
      kind: 'server',
      name: 'ServerError',
      message: expect.stringContaining('500') as string,
      status: 500,
      body: 'no backup creation in progress',
      outcomeUnknown: false,
      userAction: expect.any(String) as string,
    });
  });

  it('says the outcome is unknown unless the daemon refused the request', () => {
    // a refusal means nothing ran; a lost connection, a timeout or a garbled answer may hide a run
    for (const status of [400, 404, 409, 500, 505, 511]) {
      const refused = toLifecycleError(new ServerError({ ...at, status, body: 'no' }));
      expect([status, refused.outcomeUnknown]).toEqual([status, false]);
    }
    for (const error of [
      new NetworkError({ ...at }),
      new TimeoutError({ ...at, timeoutMs: 10 }),
      new ProtocolError({ message: 'truncated', url: at.url }),
      new ServerError({ ...at, status: 503 }),
    ]) {
      const unknown = toLifecycleError(error);
      expect([error.name, unknown.outcomeUnknown]).toEqual([error.name, true]);
      expect(unknown.userAction).toMatch(/check its status/);
    }
    // a lifecycle that saw its operation running says so whatever the error
    expect(toLifecycleError(new ServerError({ ...at, status: 404 }), true).outcomeUnknown).toBe(true);
    // only the request that starts the operation can be refused: a failed status read proves nothing
    const statusRead = { method: 'GET', url: 'http://127.0.0.1:39300/backup/9.0.0_1/restoration/status' };
    expect(toLifecycleError(new HttpError({ ...statusRead, status: 400 })).outcomeUnknown).toBe(true);
    const startSocket = { method: 'GET', url: 'ws://127.0.0.1:39300/backups/create/streamed/websocket' };
    expect(toLifecycleError(new ConflictError({ ...startSocket })).outcomeUnknown).toBe(false);
  });

  it('recognises errors by name across realms (a structured clone loses the class)', () => {
    const cloned = { name: 'CancelTimeoutError', message: 'late' };
    expect(toLifecycleError(cloned)).toMatchObject({ kind: 'cancel-timeout', name: 'CancelTimeoutError', message: 'late' });
  });
});

describe('toLifecycleError of the restore preflight and safety backup', () => {
  it('a newer backup: backup-too-new, a refusal, the version to update to in the user action', () => {
    const error = new BackupTooNewError({ backupId: '99.0.0_1', backupVersion: '99.0.0', daemonVersion: '9.0.0' });
    expect(isBackupTooNewError(error)).toBe(true);
    expect(toLifecycleError(error)).toMatchObject({
      kind: 'backup-too-new',
      name: 'BackupTooNewError',
      outcomeUnknown: false,
      userAction: 'Update Pieces OS to 99.0.0 or newer before restoring this backup.',
    });
  });

  it('a switch off: feature-disabled, a refusal, the daemon reason when it gave one', () => {
    const withReason = toLifecycleError(new FeatureDisabledError({ feature: 'RESTORE_CLOUD_BACKUP', reason: 'policy 7' }));
    const without = toLifecycleError(new FeatureDisabledError({ feature: 'CLOUD_BACKUP_CREATION' }));
    expect(withReason).toMatchObject({ kind: 'feature-disabled', outcomeUnknown: false });
    expect(withReason.userAction).toBe('Your organisation has switched RESTORE_CLOUD_BACKUP off (policy 7): ask its administrator to allow it.');
    expect(without.userAction).toBe('Your organisation has switched CLOUD_BACKUP_CREATION off: ask its administrator to allow it.');
  });

  it('a failed safety backup: safety-backup-failed, offering a restore without one', () => {
    const error = new SafetyBackupFailedError({ backupId: '9.0.0_5', reason: 'it ended FAILED' }, { cause: new Error('disk') });
    expect(isSafetyBackupFailedError(error)).toBe(true);
    expect(error.message).toContain('9.0.0_5');
    const data = toLifecycleError(error, false);
    expect(data).toMatchObject({ kind: 'safety-backup-failed', name: 'SafetyBackupFailedError', outcomeUnknown: false });
    expect(data.userAction).toMatch(/restore without a safety backup/);
  });

  it('a failed read of the switch or the version before a start is a refusal: nothing was sent', () => {
    const down = new NetworkError({ method: 'POST', url: 'http://127.0.0.1:39300/user/has_feature_access' });
    const slow = new TimeoutError({ timeoutMs: 10, method: 'GET', url: 'http://127.0.0.1:39300/.well-known/version' });
    expect(toLifecycleError(down)).toMatchObject({ kind: 'network', outcomeUnknown: false });
    expect(toLifecycleError(slow)).toMatchObject({ kind: 'timeout', outcomeUnknown: false });
    // the start's own lost answer still may have run
    expect(toLifecycleError(new NetworkError(at)).outcomeUnknown).toBe(true);
  });
});
