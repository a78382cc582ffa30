import { isVersionString } from './options.js';
import { RequestRejection } from './request-rejection.js';

/**
 * A completed backup to seed (`POST /__emulator/backups`, `admin.seedBackup`): when it was
 * made, by which device, how large it says it is, and by which Pieces OS.
 */
export interface BackupSeed {
  /** ISO-8601 date-time with `Z` or an offset, at or after 1970: `2026-12-01T06:00:00Z`. */
  timestamp: string;
  /** `device_name`. Default: the emulator's device name. */
  deviceName?: string;
  /** `bytes` as listed, a non-negative integer. Default: the size of the database snapshot. */
  bytes?: number;
  /** `version`. Default: the running Pieces OS version. */
  version?: string;
}

export interface ParsedSeed {
  /** Epoch ms. */
  timestamp: number;
  deviceName: string | undefined;
  bytes: number | undefined;
  version: string | undefined;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;
const MAX_DEVICE_NAME_LENGTH = 256;

/** Epoch ms of an ISO-8601 date-time, or undefined when it is not one (a 30 February, no zone, 25:00...). */
export function parseIsoDateTime(text: string): number | undefined {
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const offsetHours = Number(match[8] ?? 0);
  const offsetMinutes = Number(match[9] ?? 0);
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  const validCalendar = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day;
  if (!validCalendar || hour! > 23 || minute! > 59 || second! > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Checks a seed; anything off is a 400 that names the field. */
export function parseBackupSeed(value: unknown): ParsedSeed {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RequestRejection(400, 'backup seed must be a JSON object');
  const { timestamp, deviceName, bytes, version, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) {
    throw new RequestRejection(400, `unknown field ${JSON.stringify(unknown.slice(0, 140))}: a seed takes timestamp, deviceName, bytes, version`);
  }
  if (typeof timestamp !== 'string') throw new RequestRejection(400, 'timestamp is required: an ISO-8601 date-time such as 2026-12-01T06:00:00Z');
  const ms = parseIsoDateTime(timestamp);
  if (ms === undefined) {
    throw new RequestRejection(
      400,
      `timestamp ${JSON.stringify(timestamp.slice(0, 64))} is not an ISO-8601 date-time with a zone, such as 2026-12-01T06:00:00Z or 2026-12-01T07:00:00+01:00`,
    );
  }
  if (ms < 0) throw new RequestRejection(400, 'timestamp must be at or after 1970-01-01T00:00:00Z');
  if (deviceName !== undefined && (typeof deviceName !== 'string' || deviceName.length === 0 || deviceName.length > MAX_DEVICE_NAME_LENGTH)) {
    throw new RequestRejection(400, `deviceName must be a string of 1 to ${MAX_DEVICE_NAME_LENGTH} characters`);
  }
  if (bytes !== undefined && !(typeof bytes === 'number' && Number.isSafeInteger(bytes) && bytes >= 0)) {
    throw new RequestRejection(400, 'bytes must be a non-negative integer');
  }
  if (version !== undefined && !isVersionString(version)) throw new RequestRejection(400, 'version must be a version string like 9.0.0');
  return { timestamp: ms, deviceName, bytes, version };
}
