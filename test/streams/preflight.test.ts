import { lastValueFrom, of, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { exponentialBackoff, isNotFoundError, isServerError } from '../../src/api/index.js';
import {
  compareVersions,
  confirmSafetyBackup,
  isBackupTooNewError,
  isFeatureDisabledError,
  isSafetyBackupFailedError,
  preflightRestore,
  resolveStream,
  type OperationProgress,
  type RetryNotice,
} from '../../src/streams/index.js';
import { startTestDaemon, type TestDaemon, type TestDaemonOptions } from '../../src/testing/index.js';

// The restore preflight over the real emulator: the switches, the backup, the versions,
// each read before anything is sent (the operations journal stays empty).

const daemons: TestDaemon[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop();
});

async function daemonWith(options: TestDaemonOptions): Promise<TestDaemon> {
  const daemon = await startTestDaemon(options);
  daemons.push(daemon);
  return daemon;
}

const notices: RetryNotice[] = [];
const policy = (outageTimeoutMs = 5_000) =>
  resolveStream({ outageTimeoutMs, retryDelay: exponentialBackoff({ baseMs: 20, maxMs: 50 }), onRetry: (notice) => notice && notices.push(notice) });
const signal = () => new AbortController().signal;
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

const SEEDS = [
  { timestamp: '2026-12-01T06:00:00Z', deviceName: 'laptop', version: '9.0.0' },
  { timestamp: '2026-12-02T06:00:00Z', deviceName: 'newer', version: '99.0.0' },
];

describe('compareVersions', () => {
  it('orders by semver, a pre-release before its release, and cannot tell non-semver', () => {
    expect(compareVersions('10.1.4', '9.0.0')).toBeGreaterThan(0);
    expect(compareVersions('9.0.0', '9.0.0')).toBe(0);
    expect(compareVersions('9.0.0', '9.0.10')).toBeLessThan(0);
    expect(compareVersions('10.0.0-beta.2', '10.0.0')).toBeLessThan(0);
    expect(compareVersions('10.0.0-beta.10', '10.0.0-beta.2')).toBeGreaterThan(0);
    expect(compareVersions('v9.1.0', '9.0.0+build.7')).toBeGreaterThan(0);
    expect(compareVersions('nightly', '9.0.0')).toBeNull();
  });
});

describe('preflightRestore over the emulator', () => {
  it('passes a backup of the running version: its metadata and the daemon version, nothing started', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    const [backup] = daemon.seededBackups;
    const result = await preflightRestore(daemon.client, { backupId: backup!.id, safetyBackup: true }, policy(), signal());
    expect(result).toEqual({ backup, daemonVersion: '9.0.0' });
    expect(daemon.admin.journal()).toEqual([]);
  });

  it('refuses a backup made by a newer Pieces OS with BackupTooNewError; force restores it anyway', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    const newer = daemon.seededBackups[1]!;
    const error = await refusal(preflightRestore(daemon.client, { backupId: newer.id }, policy(), signal()));
    expect(isBackupTooNewError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'BackupTooNewError', backupId: newer.id, backupVersion: '99.0.0', daemonVersion: '9.0.0' });
    const forced = await preflightRestore(daemon.client, { backupId: newer.id, force: true }, policy(), signal());
    expect(forced.backup.version).toBe('99.0.0');
    expect(daemon.admin.journal()).toEqual([]);
  });

  it('a daemon that updated since: the same backup is no longer too new', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    daemon.setState({ version: '99.0.1' });
    const result = await preflightRestore(daemon.client, { backupId: daemon.seededBackups[1]!.id }, policy(), signal());
    expect(result.daemonVersion).toBe('99.0.1');
  });

  it('a backup that does not exist: NotFoundError', async () => {
    const daemon = await daemonWith({});
    const error = await refusal(preflightRestore(daemon.client, { backupId: '9.0.0_42' }, policy(), signal()));
    expect(isNotFoundError(error)).toBe(true);
  });

  it('a switch off: FeatureDisabledError with the daemon reason, before the backup is even read', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    daemon.switchOff('RESTORE_CLOUD_BACKUP', 'disabled by your organisation');
    daemon.inject({ operation: 'backup_specific_backup_snapshot', status: 500, times: 1 });
    const error = await refusal(preflightRestore(daemon.client, { backupId: daemon.seededBackups[0]!.id }, policy(), signal()));
    expect(isFeatureDisabledError(error)).toBe(true);
    expect(error).toMatchObject({ feature: 'RESTORE_CLOUD_BACKUP', reason: 'disabled by your organisation' });
    // the fault on GET /backup/{b} is still armed: it was never read
    expect(daemon.admin.faults()).toHaveLength(1);
    expect(daemon.admin.journal()).toEqual([]);
  });

  it('the safety backup needs CLOUD_BACKUP_CREATION; without one, it does not matter', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    daemon.switchOff('CLOUD_BACKUP_CREATION');
    const backupId = daemon.seededBackups[0]!.id;
    const error = await refusal(preflightRestore(daemon.client, { backupId, safetyBackup: true }, policy(), signal()));
    expect(error).toMatchObject({ name: 'FeatureDisabledError', feature: 'CLOUD_BACKUP_CREATION', reason: null });
    await expect(preflightRestore(daemon.client, { backupId }, policy(), signal())).resolves.toMatchObject({ daemonVersion: '9.0.0' });
  });

  it('a daemon older than both endpoints (404) blocks nothing, not even a newer backup', async () => {
    const daemon = await daemonWith({ backups: SEEDS, featureAccessEndpoint: false });
    daemon.switchOff('RESTORE_CLOUD_BACKUP');
    daemon.inject({ operation: 'get_well_known_version', status: 404, body: 'no route for /.well-known/version' });
    const result = await preflightRestore(daemon.client, { backupId: daemon.seededBackups[1]!.id }, policy(), signal());
    expect(result).toMatchObject({ daemonVersion: null, backup: { version: '99.0.0' } });
  });

  it('a version read that fails transiently is retried (told as RETRYING), then passes', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    notices.length = 0;
    daemon.inject({ operation: 'get_well_known_version', status: 503, times: 2 });
    const error = await refusal(preflightRestore(daemon.client, { backupId: daemon.seededBackups[1]!.id }, policy(), signal()));
    // after the retries the version was read, and the newer backup refused
    expect(isBackupTooNewError(error)).toBe(true);
    expect(notices.map((notice) => notice.attempt)).toEqual([1, 2]);
  });

  it('a version that stays unreadable past the outage bound rejects with its failure: nothing is started blindly', async () => {
    const daemon = await daemonWith({ backups: SEEDS });
    daemon.inject({ operation: 'get_well_known_version', status: 503 });
    const error = await refusal(preflightRestore(daemon.client, { backupId: daemon.seededBackups[0]!.id }, policy(300), signal()));
    expect(isServerError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503 });
    expect(daemon.admin.journal()).toEqual([]);
  });
});

describe('confirmSafetyBackup', () => {
  const completed = (backupId: string): OperationProgress => ({
    kind: 'creation',
    backupId,
    status: 'COMPLETED',
    percentage: 100,
    transport: 'websocket',
    at: 0,
  });

  it('passes COMPLETED with the listed Backup; other progress as it is', async () => {
    const daemon = await daemonWith({});
    const made = await daemon.createBackup();
    const running: OperationProgress = { ...completed(made.id), status: 'IN-PROGRESS', percentage: 40 };
    const seen = await lastValueFrom(of(running, completed(made.id)).pipe(confirmSafetyBackup(daemon.client, policy()), toArray()));
    expect(seen[0]).toBe(running);
    expect(seen[1]).toMatchObject({ status: 'COMPLETED', backup: { id: made.id } });
    expect(seen[1]!.backup!.bytes).toBeGreaterThan(0);
  });

  it('COMPLETED but not listed, or listed with 0 bytes: SafetyBackupFailedError', async () => {
    const daemon = await daemonWith({ backups: [{ timestamp: '2026-12-01T06:00:00Z', bytes: 0 }] });
    const empty = daemon.seededBackups[0]!;
    for (const [id, reason] of [
      ['9.0.0_42', 'not listed'],
      [empty.id, '0 bytes'],
    ] as const) {
      const error = await refusal(lastValueFrom(of(completed(id)).pipe(confirmSafetyBackup(daemon.client, policy()))));
      expect(isSafetyBackupFailedError(error)).toBe(true);
      expect(error).toMatchObject({ backupId: id, message: expect.stringContaining(reason) });
    }
  });
});
