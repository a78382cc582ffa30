import { checkPolicy, isPiecesBackupError, type BackupCoreOptions, type RetentionPolicy } from 'pieces-backup';

type ScheduleOptions = NonNullable<BackupCoreOptions['schedule']>;

// The page's schedule and retention policy, from its query string, framework-free (the same
// convention as the dashboard): `?every=6h&keepLast=3&keepDaily=7`.

/** The preview's policy when the query names no keep rule: restic-like, small. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3, keepDaily: 7 };

const COUNTS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

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
  const refuse = (error: unknown) => errors.push(isPiecesBackupError(error, 'PolicyInputError') || error instanceof Error ? error.message : String(error));

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
    // the core's own check (a rule that does not parse, a policy that keeps nothing)
    checkPolicy({ retention });
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
      // the core's own check, so that createBackupCore does not throw at start-up
      checkPolicy({ schedule });
    } catch (error) {
      refuse(error);
      schedule = undefined;
    }
  }
  return { schedule, retention, error: errors[0] ?? null };
}
