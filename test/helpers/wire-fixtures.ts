import type { Backup, BackupStatus, BackupStatusValue, BackupStreamedProgress } from '../../src/models/index.js';

/** A wire-valid `Backup` for `id` (`<version>_<epoch ms>`), for fakes that answer without a server. */
export function backupOf(id: string): Backup {
  const [version = '9.0.0', timestamp = '0'] = id.split('_');
  return {
    id,
    version,
    timestamp,
    bytes: 1024,
    created: { value: '2025-01-01T00:00:00.000Z' },
    device_name: 'test',
    platform: 'LINUX',
  };
}

export function statusOf(id: string, value: BackupStatusValue, percentage: number | null = null): BackupStatus {
  return { value, percentage, backup: backupOf(id) };
}

export function frameOf(id: string | undefined, status: BackupStatusValue, percentage: number | null = null): BackupStreamedProgress {
  return { status, percentage, ...(id !== undefined && { backup: backupOf(id) }) };
}
