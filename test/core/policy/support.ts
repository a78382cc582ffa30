import type { Backup } from '../../../src/models/index.js';
import { instantOf } from '../../../src/core/policy/zoned-time.js';

/**
 * An instant from `YYYY-MM-DD HH:MM` on the wall clock of `timeZone`, or from an ISO string
 * ending in `Z` (then the zone is not used).
 */
export function at(text: string, timeZone = 'UTC'): number {
  if (text.endsWith('Z')) return Date.parse(text);
  const match = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text);
  if (!match) throw new Error(`bad test time ${text}`);
  const [, year, month, day, hour = '0', minute = '0'] = match;
  return instantOf(
    { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: 0, millisecond: 0 },
    timeZone,
  );
}

/** A completed backup as the daemon lists it, made at `epochMs`. */
export function backupMadeAt(epochMs: number, options: { device?: string; bytes?: number } = {}): Backup {
  const device = options.device ?? 'laptop';
  return {
    id: `9.0.0_${epochMs}${device === 'laptop' ? '' : `_${device}`}`,
    version: '9.0.0',
    timestamp: String(epochMs),
    bytes: options.bytes ?? 1_000,
    created: { value: new Date(epochMs).toISOString() },
    device_name: device,
    platform: 'LINUX',
  };
}
