import { concatMap, of, switchMap, type Observable, type OperatorFunction } from 'rxjs';
import type { BackupClient } from '../api/backup-client.js';
import { isNotFoundError } from '../api/errors/index.js';
import type { Backup, BackupFeature } from '../models/index.js';
import { BackupTooNewError } from './errors/backup-too-new-error.js';
import { FeatureDisabledError } from './errors/feature-disabled-error.js';
import { SafetyBackupFailedError } from './errors/safety-backup-failed-error.js';
import type { ResolvedStream } from './options.js';
import { withinOutage } from './polling.js';
import { fromAbortable } from './streaming.js';
import type { OperationProgress } from './types.js';

// The rules read before a restore sends anything (docs/protocol.md, "Restore preflight and
// safety backup"): the organisation's switches, the backup, the versions; and the proof that
// a safety backup completed. The machines call these; none of them decides on its own.

/** What the restore preflight checks: plain data from machine context. */
export interface RestorePreflightInput {
  backupId: string;
  /** Restore a backup made by a newer Pieces OS anyway. */
  force?: boolean;
  /** A safety backup will be made first: `CLOUD_BACKUP_CREATION` must be on too. */
  safetyBackup?: boolean;
}

/** What the preflight read: the backup as the daemon lists it, and the running version. */
export interface RestorePreflight {
  backup: Backup;
  /** Null when the daemon does not say (404: older than `/.well-known/version`). */
  daemonVersion: string | null;
}

type Policy = Pick<ResolvedStream, 'retry' | 'scheduler' | 'outageTimeoutMs' | 'readTimeoutMs' | 'onRetry'>;

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/**
 * Semver order of two versions: negative, 0 or positive; null when either is no semver
 * (then nothing can be told, and nothing is refused). A pre-release sorts before its release.
 *
 * @example
 * ```ts
 * compareVersions('10.1.4', '9.0.0'); // > 0
 * ```
 */
export function compareVersions(a: string, b: string): number | null {
  const left = SEMVER.exec(a.trim());
  const right = SEMVER.exec(b.trim());
  if (!left || !right) return null;
  for (let index = 1; index <= 3; index += 1) {
    const difference = Number(left[index]) - Number(right[index]);
    if (difference !== 0) return difference;
  }
  const [pre, otherPre] = [left[4], right[4]];
  if (pre === otherPre) return 0;
  if (pre === undefined) return 1;
  if (otherPre === undefined) return -1;
  const ids = pre.split('.');
  const otherIds = otherPre.split('.');
  for (let index = 0; index < Math.max(ids.length, otherIds.length); index += 1) {
    const [x, y] = [ids[index], otherIds[index]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    const order = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return 0;
}


const once = (policy: Policy, signal: AbortSignal) => ({ signal, retry: false as const, timeout: policy.readTimeoutMs });

/** One switch: usable when `enabled && canUse`; a daemon without the endpoint (404) allows it. */
async function checkFeature(client: BackupClient, feature: BackupFeature, policy: Policy, signal: AbortSignal): Promise<void> {
  try {
    const access = await client.featureAccess(feature, once(policy, signal));
    if (!access.enabled || !access.canUse) throw new FeatureDisabledError({ feature, reason: access.reason ?? null });
  } catch (error) {
    if (isNotFoundError(error)) return;
    throw error;
  }
}

/**
 * The organisation's switches of `features`, asked before anything is sent: rejects with
 * `FeatureDisabledError` for the first one switched off. A 404 (a daemon older than the
 * endpoint) allows; transient failures are retried within `outageTimeoutMs`, then reject.
 *
 * @example
 * ```ts
 * await checkFeatures(client, ['CLOUD_BACKUP_CREATION'], resolveStream(), signal);
 * ```
 */
export function checkFeatures(client: BackupClient, features: readonly BackupFeature[], policy: Policy, signal: AbortSignal): Promise<void> {
  return withinOutage(
    async () => {
      for (const feature of features) await checkFeature(client, feature, policy, signal);
    },
    policy,
    signal,
    'feature check',
  );
}

/**
 * `start()` once `features` are allowed (`checkFeatures`): what a creation does before it
 * sends. Unsubscribed during the check, the check is aborted and nothing is started.
 *
 * @example
 * ```ts
 * afterFeatureCheck(client, ['CLOUD_BACKUP_CREATION'], policy, () => startCreationWith(client, policy, { transport }));
 * ```
 */
export function afterFeatureCheck<T>(
  client: BackupClient,
  features: readonly BackupFeature[],
  policy: Policy,
  start: () => Observable<T>,
): Observable<T> {
  return fromAbortable((signal) => checkFeatures(client, features, policy, signal)).pipe(switchMap(start));
}

/** The running Pieces OS version, or null when the daemon has no `/.well-known/version` (404). */
async function readDaemonVersion(client: BackupClient, policy: Policy, signal: AbortSignal): Promise<string | null> {
  try {
    return await client.version(once(policy, signal));
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
}

/**
 * Everything a restore can check before it sends: `RESTORE_CLOUD_BACKUP` (and
 * `CLOUD_BACKUP_CREATION` with a safety backup) switched on, the backup there (`GET
 * /backup/{b}`: a 404 rejects with `NotFoundError`), and not made by a newer Pieces OS than
 * the running one (`BackupTooNewError`, unless `force`). A version that cannot be read (404)
 * or is no semver does not block. Transient failures are retried within `outageTimeoutMs`
 * (told to `policy.onRetry`); then the last one rejects: nothing is started blindly.
 *
 * @example
 * ```ts
 * const { backup } = await preflightRestore(client, { backupId }, resolveStream(), signal);
 * ```
 */
export async function preflightRestore(
  client: BackupClient,
  input: RestorePreflightInput,
  policy: Policy,
  signal: AbortSignal,
): Promise<RestorePreflight> {
  const features: BackupFeature[] = ['RESTORE_CLOUD_BACKUP', ...(input.safetyBackup ? (['CLOUD_BACKUP_CREATION'] as const) : [])];
  return withinOutage(
    async () => {
      for (const feature of features) await checkFeature(client, feature, policy, signal);
      const backup = await client.getBackup(input.backupId, once(policy, signal));
      const daemonVersion = await readDaemonVersion(client, policy, signal);
      if (!input.force && daemonVersion !== null && (compareVersions(backup.version, daemonVersion) ?? 0) > 0) {
        throw new BackupTooNewError({ backupId: backup.id, backupVersion: backup.version, daemonVersion });
      }
      return { backup, daemonVersion };
    },
    policy,
    signal,
    'preflight',
  );
}

/**
 * A safety backup is COMPLETED only when the daemon lists it with `bytes > 0`: its
 * `COMPLETED` progress passes (with the listed `Backup`) once the list says so, or the stream
 * errors with `SafetyBackupFailedError`. Other progress passes as it is. The list read is
 * retried within `outageTimeoutMs`.
 *
 * @example
 * ```ts
 * startCreationWith(client, policy, {}).pipe(confirmSafetyBackup(client, policy));
 * ```
 */
export function confirmSafetyBackup(client: BackupClient, policy: Policy): OperatorFunction<OperationProgress, OperationProgress> {
  return concatMap((progress) => {
    if (progress.status !== 'COMPLETED') return of(progress);
    // unsubscribed (CANCEL, stop): the list read is aborted
    return fromAbortable((signal) => withinOutage(() => client.list(once(policy, signal)), policy, signal, 'safety backup check').then(
      ({ iterable }) => {
        const backup = iterable.find((candidate) => candidate.id === progress.backupId);
        if (!backup) throw new SafetyBackupFailedError({ backupId: progress.backupId, reason: 'it is not listed' });
        if (!(backup.bytes > 0)) throw new SafetyBackupFailedError({ backupId: progress.backupId, reason: 'it is listed with 0 bytes' });
        return { ...progress, backup };
      },
      (error: unknown) => {
        if (error instanceof SafetyBackupFailedError) throw error;
        throw new SafetyBackupFailedError({ backupId: progress.backupId, reason: 'the list of backups could not be read' }, { cause: error });
      },
    ));
  });
}
