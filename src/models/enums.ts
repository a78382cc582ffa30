export const BACKUP_STATUS_VALUES = [
  'UNKNOWN',
  'INITIALIZED',
  'IN-PROGRESS',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'RESET',
] as const;

/** `BackupStatusEnum` and `ModelDownloadProgressStatusEnum` share these seven values. */
export type KnownBackupStatusValue = (typeof BACKUP_STATUS_VALUES)[number];
/** A known value, or one a newer server sent that this library cannot name yet. */
export type BackupStatusValue = KnownBackupStatusValue | (string & {});

/** Values after which an operation never changes again. */
export const TERMINAL_STATUS_VALUES: readonly KnownBackupStatusValue[] = ['COMPLETED', 'FAILED', 'CANCELED', 'RESET'];

export function isTerminalStatus(value: BackupStatusValue | undefined): boolean {
  return value !== undefined && (TERMINAL_STATUS_VALUES as readonly string[]).includes(value);
}

export function isKnownStatus(value: string): value is KnownBackupStatusValue {
  return (BACKUP_STATUS_VALUES as readonly string[]).includes(value);
}

export const PLATFORM_VALUES = ['UNKNOWN', 'WEB', 'MACOS', 'LINUX', 'WINDOWS', 'FUCHSIA', 'IOS', 'ANDROID'] as const;
export type PlatformValue = (typeof PLATFORM_VALUES)[number] | (string & {});

export const MECHANISM_VALUES = [
  'UNKNOWN',
  'MANUAL',
  'RECOMMENDED',
  'AUTOMATIC',
  'INTERNAL',
  'DELETED',
  'EXTERNAL_AGENT',
] as const;
export type MechanismValue = (typeof MECHANISM_VALUES)[number] | (string & {});

/** The two long-running operations of the Backup API: a backup creation and a restoration. */
export type OperationKind = 'creation' | 'restoration';
