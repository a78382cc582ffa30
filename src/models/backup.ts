import { field, isoDateTime, number, openEnum, optional, record, string, type Decoder } from './decode.js';
import { PLATFORM_VALUES, type PlatformValue } from './enums.js';

export interface EmbeddedModelSchema {
  migration: number;
  semantic: string;
}

export interface GroupedTimestamp {
  schema?: EmbeddedModelSchema;
  /** ISO-8601 date-time, kept as the string the server sent. */
  value: string;
  readable?: string;
}

/** Metadata of one cloud backup, field names exactly as on the wire. */
export interface Backup {
  schema?: EmbeddedModelSchema;
  /** `<version>_<timestamp>`: see docs/protocol.md. */
  id: string;
  version: string;
  timestamp: string;
  bytes: number;
  created: GroupedTimestamp;
  device_name: string;
  platform: PlatformValue;
}

/** Precursor of a Backup; the request body of a creation. */
export interface SeededBackup {
  schema?: EmbeddedModelSchema;
}

export const decodeSchema: Decoder<EmbeddedModelSchema> = (value, path) => {
  const source = record(value, path);
  return {
    ...source,
    migration: field(source, 'migration', path, number),
    semantic: field(source, 'semantic', path, string),
  };
};

export const decodeGroupedTimestamp: Decoder<GroupedTimestamp> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  const readable = field(source, 'readable', path, optional(string));
  return {
    ...source,
    ...(schema && { schema }),
    value: field(source, 'value', path, isoDateTime),
    ...(readable !== undefined && { readable }),
  };
};

// Unknown fields are kept: a newer server's additions survive a round trip.
export const decodeBackup: Decoder<Backup> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  return {
    ...source,
    ...(schema && { schema }),
    id: field(source, 'id', path, string),
    version: field(source, 'version', path, string),
    timestamp: field(source, 'timestamp', path, string),
    bytes: field(source, 'bytes', path, number),
    created: field(source, 'created', path, decodeGroupedTimestamp),
    device_name: field(source, 'device_name', path, string),
    platform: field(source, 'platform', path, openEnum(PLATFORM_VALUES)),
  };
};

export const decodeSeededBackup: Decoder<SeededBackup> = (value, path) => {
  const source = record(value, path);
  const schema = field(source, 'schema', path, optional(decodeSchema));
  return { ...source, ...(schema && { schema }) };
};
