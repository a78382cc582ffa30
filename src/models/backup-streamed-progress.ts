import { decodeBackup, decodeSchema, type Backup, type EmbeddedModelSchema } from './backup.js';
import { array, field, nullable, number, openEnum, optional, record, type Decoder } from './decode.js';
import { BACKUP_STATUS_VALUES, type BackupStatusValue } from './enums.js';

/** One frame of a streamed creation or restoration. */
export interface BackupStreamedProgress {
  schema?: EmbeddedModelSchema;
  /** `ModelDownloadProgressStatusEnum` on the wire: the same seven values as BackupStatusEnum. */
  status?: BackupStatusValue;
  percentage?: number | null;
  backup?: Backup;
}

/** One frame of `/backups/streamed/progress`: everything in progress right now. */
export interface BackupsStreamedProgress {
  schema?: EmbeddedModelSchema;
  backups?: BackupStreamedProgress[];
  restorations?: BackupStreamedProgress[];
}

export const decodeBackupStreamedProgress: Decoder<BackupStreamedProgress> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const status = field(source, 'status', path, optional(openEnum(BACKUP_STATUS_VALUES)));
  const percentage = field(source, 'percentage', path, nullable(number));
  const backup = field(source, 'backup', path, optional(decodeBackup));
  return {
    ...source,
    ...(schema && { schema }),
    ...(status !== undefined && { status }),
    ...(percentage !== undefined && { percentage }),
    ...(backup && { backup }),
  };
};

export const decodeBackupsStreamedProgress: Decoder<BackupsStreamedProgress> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const backups = field(source, 'backups', path, optional(array(decodeBackupStreamedProgress)));
  const restorations = field(source, 'restorations', path, optional(array(decodeBackupStreamedProgress)));
  return {
    ...source,
    ...(schema && { schema }),
    ...(backups && { backups }),
    ...(restorations && { restorations }),
  };
};
