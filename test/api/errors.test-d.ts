import { describe, expectTypeOf, it } from 'vitest';
import {
  createBackupClient,
  createHttpError,
  isHttpError,
  isNotFoundError,
  isPiecesBackupError,
  toBackupError,
  type HttpError,
  type NotFoundError,
  type PiecesBackupError,
  type PiecesBackupErrorName,
} from '../../src/api/index.js';
import type { Backup, BackupStatus, Backups } from '../../src/models/index.js';

describe('error types', () => {
  it('guards narrow unknown', () => {
    const error: unknown = undefined;
    if (isNotFoundError(error)) {
      expectTypeOf(error).toEqualTypeOf<NotFoundError>();
      expectTypeOf(error.status).toEqualTypeOf<404>();
      expectTypeOf(error.name).toEqualTypeOf<'NotFoundError'>();
    }
    if (isHttpError(error)) expectTypeOf(error.body).toEqualTypeOf<string>();
    if (isPiecesBackupError(error)) expectTypeOf(error.name).toEqualTypeOf<PiecesBackupErrorName>();
  });

  it('factories return the base types', () => {
    expectTypeOf(createHttpError).returns.toEqualTypeOf<HttpError>();
    expectTypeOf(toBackupError).returns.toEqualTypeOf<PiecesBackupError>();
  });

  it('client methods resolve to decoded models', () => {
    const client = createBackupClient({ baseUrl: 'http://127.0.0.1:39300' });
    expectTypeOf(client.list).returns.resolves.toEqualTypeOf<Backups>();
    expectTypeOf(client.getBackup).returns.resolves.toEqualTypeOf<Backup>();
    expectTypeOf(client.status).returns.resolves.toEqualTypeOf<BackupStatus>();
    expectTypeOf(client.backup).returns.resolves.toBeVoid();
  });
});
