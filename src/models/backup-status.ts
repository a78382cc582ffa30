import { decodeBackup, decodeSchema, type Backup, type EmbeddedModelSchema } from './backup.js';
import { field, nullable, number, openEnum, optional, record, type Decoder } from './decode.js';
import { BACKUP_STATUS_VALUES, type BackupStatusValue } from './enums.js';

/** Answer of the creation and restoration status endpoints. */
export interface BackupStatus {
  schema?: EmbeddedModelSchema;
  value?: BackupStatusValue;
  /** 0-100 while in progress; may be null or absent. */
  percentage?: number | null;
  backup: Backup;
}

export const decodeBackupStatus: Decoder<BackupStatus> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const status = field(source, 'value', path, optional(openEnum(BACKUP_STATUS_VALUES)));
  const percentage = field(source, 'percentage', path, nullable(number));
  return {
    ...source,
    ...(schema && { schema }),
    ...(status !== undefined && { value: status }),
    ...(percentage !== undefined && { percentage }),
    backup: field(source, 'backup', path, decodeBackup),
  };
};
