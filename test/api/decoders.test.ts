import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decode,
  decodeBackup,
  decodeBackupStatus,
  decodeBackupStreamedProgress,
  decodeBackups,
  decodeBackupsStreamedProgress,
} from '../../src/models/index.js';

const backup = {
  id: '9.0.0_1764179700123',
  version: '9.0.0',
  timestamp: '1764179700123',
  bytes: 4096,
  created: { value: '2025-11-26T17:55:00.123Z', readable: 'just now' },
  device_name: 'laptop',
  platform: 'LINUX',
};

function decodeErrorOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('wire decoders', () => {
  it('decodes a Backup and keeps fields it does not know', () => {
    const decoded = decode(decodeBackup, { ...backup, future_field: { nested: true } });
    expect(decoded).toMatchObject(backup);
    expect(decoded['future_field' as keyof typeof decoded]).toEqual({ nested: true });
  });

  it('keeps an unknown platform and an unknown status as strings', () => {
    expect(decode(decodeBackup, { ...backup, platform: 'HARMONY_OS' }).platform).toBe('HARMONY_OS');
    const status = decode(decodeBackupStatus, { value: 'PAUSED', percentage: 12, backup });
    expect(status.value).toBe('PAUSED');
    const frame = decode(decodeBackupStreamedProgress, { status: 'QUEUED', percentage: null });
    expect(frame.status).toBe('QUEUED');
    expect(frame.percentage).toBeNull();
  });

  it('names the bad field of a nested array in the error path', () => {
    const error = decodeErrorOf(() =>
      decode(decodeBackups, { iterable: [backup, backup, { ...backup, created: { value: 42 } }] }),
    );
    expect(error.path).toBe('iterable[2].created.value');
    expect(error.message).toContain('iterable[2].created.value');
  });

  it('names a missing required field', () => {
    const { device_name: _omitted, ...withoutDevice } = backup;
    expect(decodeErrorOf(() => decode(decodeBackup, withoutDevice)).path).toBe('device_name');
  });

  it('rejects a date that is not ISO-8601', () => {
    const error = decodeErrorOf(() => decode(decodeBackup, { ...backup, created: { value: 'yesterday' } }));
    expect(error.path).toBe('created.value');
    expect(error.expected).toBe('ISO-8601 date-time');
  });

  it('names the bad frame inside a progress listing', () => {
    const error = decodeErrorOf(() =>
      decode(decodeBackupsStreamedProgress, { backups: [], restorations: [{ status: 'IN-PROGRESS', percentage: '50' }] }),
    );
    expect(error.path).toBe('restorations[0].percentage');
  });

  it('rejects a root that is not an object', () => {
    expect(decodeErrorOf(() => decode(decodeBackupStatus, [])).path).toBe('');
  });
});
