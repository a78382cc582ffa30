import { isPolicyInputError, parseDuration, planRetention, type Duration, type RetentionPolicy, type ScheduleOptions } from 'pieces-backup';

// The page's schedule and retention policy, from its query string, framework-free (the same
// convention as the dashboard): `?every=6h&keepLast=3&keepDaily=7`.

/** The preview's policy when the query names no keep rule: restic-like, small. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3, keepDaily: 7 };

const COUNTS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

/** A duration's fixed length in ms, or null when it has none (months, years). */
const fixedMs = ({ years, months, weeks, days, hours, minutes }: Duration): number | null =>
  years > 0 || months > 0 ? null : ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000);

/** What the page's core is given, and what in the query was refused (shown, not thrown). */
export interface PagePolicy {
  /** Without `every` or `dailyAt`: none (backups only when the user asks). */
  schedule: ScheduleOptions | undefined;
  retention: RetentionPolicy;
  /** The first refused input, in the core's words (`every: "six hours" is not a duration: ...`). */
  error: string | null;
}

/**
 * Read once at start-up by every browser example:
 * - `every=6h` or `dailyAt=02:30` (with `jitter=10m`, `staleAfter=12h`): the schedule;
 * - `keepLast`, `keepHourly`, `keepDaily`, `keepWeekly`, `keepMonthly`, `keepYearly` (counts),
 *   `keepWithin=7d`: the retention policy (default {@link DEFAULT_RETENTION}), applied to each
 *   device's backups apart, or to all together with `allDevices=1`;
 * - `device=NAME`: this device's `device_name`. The schedule counts its backups (else it learns
 *   the name from its first backup) and the preview plans only its backups (the others are kept).
 * An input the core refuses is left out (the default stays) and said in `error`.
 */
export function pagePolicy(search: string = location.search): PagePolicy {
  const params = new URLSearchParams(search);
  const errors: string[] = [];
  const refuse = (error: unknown) => errors.push(isPolicyInputError(error) || error instanceof Error ? error.message : String(error));

  let retention: RetentionPolicy = {};
  for (const field of COUNTS) {
    const raw = params.get(field);
    if (raw === null) continue;
    if (/^\d+$/.test(raw)) retention[field] = Number(raw);
    else errors.push(`${field}: ${JSON.stringify(raw)} is not a non-negative integer`);
  }
  const within = params.get('keepWithin');
  if (within !== null) retention.keepWithin = within;
  if (Object.keys(retention).length === 0) retention = { ...DEFAULT_RETENTION };
  if (params.get('allDevices') === '1') retention.scope = 'all-devices';
  const device = params.get('device') || undefined;
  if (device && retention.scope !== 'all-devices') retention.device = device;
  try {
    // planning nothing checks the policy the way the core will (a rule that does not parse,
    // a policy that keeps nothing)
    planRetention([], retention);
  } catch (error) {
    refuse(error);
    retention = { ...DEFAULT_RETENTION };
  }

  let schedule: ScheduleOptions | undefined;
  const every = params.get('every');
  const dailyAt = params.get('dailyAt');
  if (every !== null || dailyAt !== null) {
    schedule = every !== null ? { every } : { dailyAt: dailyAt! };
    for (const field of ['jitter', 'staleAfter'] as const) {
      const value = params.get(field);
      if (value !== null) schedule[field] = value;
    }
    if (device) schedule.deviceName = device;
    try {
      // the core's own checks, so that createBackupCore does not throw at start-up: a period of
      // a fixed length, at least 1 min; a jitter shorter than it
      const ms: Partial<Record<'every' | 'jitter' | 'staleAfter', number | null>> = {};
      for (const field of ['every', 'jitter', 'staleAfter'] as const) {
        const value = schedule[field];
        if (value !== undefined) ms[field] = fixedMs(parseDuration(value, field));
      }
      if (ms.every === null) throw new Error(`every: ${JSON.stringify(schedule.every)} has no fixed length: use days or weeks (30d)`);
      if (ms.every !== undefined && ms.every < 60_000) throw new Error(`every: ${JSON.stringify(schedule.every)} is shorter than 1m`);
      if (ms.jitter === null || (ms.jitter !== undefined && ms.every !== undefined && ms.jitter >= ms.every)) {
        throw new Error(`jitter: ${JSON.stringify(schedule.jitter)} must be shorter than the period`);
      }
      if (schedule.dailyAt !== undefined && !/^\d{1,2}:\d{2}$/.test(schedule.dailyAt)) {
        throw new Error(`dailyAt: ${JSON.stringify(schedule.dailyAt)} is not a time of day (HH:MM)`);
      }
    } catch (error) {
      refuse(error);
      schedule = undefined;
    }
  }
  return { schedule, retention, error: errors[0] ?? null };
}
