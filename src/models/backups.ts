import { decodeBackup, decodeSchema, type Backup, type EmbeddedModelSchema } from './backup.js';
import { array, field, number, optional, record, type Decoder } from './decode.js';

/** Answer of `GET /backups`. */
export interface Backups {
  schema?: EmbeddedModelSchema;
  iterable: Backup[];
  indices?: Record<string, number>;
  score?: unknown;
}

const decodeIndices: Decoder<Record<string, number>> = (value, path) => {
  const source = record(value, path);
  const out: Record<string, number> = {};
  for (const key of Object.keys(source)) out[key] = field(source, key, path, number);
  return out;
};

export const decodeBackups: Decoder<Backups> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const indices = field(source, 'indices', path, optional(decodeIndices));
  return {
    ...source,
    ...(schema && { schema }),
    iterable: field(source, 'iterable', path, array(decodeBackup)),
    ...(indices && { indices }),
  };
};
