import type { Backup } from '../../models/index.js';
import { formatDuration, isZeroDuration, parseDuration, subtractDuration, type Duration } from './duration.js';
import { PolicyInputError } from './policy-input-error.js';
import { isoWeek, isValidTimeZone, pad, zonedTime } from './zoned-time.js';

/**
 * Which backups to keep, in restic `forget`'s words. Every rule adds backups to keep; a backup
 * no rule keeps is removed. Counts are non-negative integers; `keepWithin` is a duration
 * (`7d`, `1mo`, `1y6mo`) measured back from the newest backup.
 */
export interface RetentionPolicy {
  /** The newest N. */
  keepLast?: number;
  /** The newest backup of each of the last N hours that have one (local time). */
  keepHourly?: number;
  /** ... of each of the last N days that have one. */
  keepDaily?: number;
  /** ... of each of the last N ISO weeks (Monday to Sunday) that have one. */
  keepWeekly?: number;
  /** ... of each of the last N calendar months that have one. */
  keepMonthly?: number;
  /** ... of each of the last N calendar years that have one. */
  keepYearly?: number;
  /** Every backup made within this duration before the newest one. */
  keepWithin?: string;
  /** Apply the rules to each device's backups apart (`per-device`, the default), or to all together. */
  scope?: 'per-device' | 'all-devices';
  /** Plan only this device's backups; the others are kept with reason `other device`. */
  device?: string;
  /** Warn when the kept backups' `bytes` add up to more than this. */
  maxBytes?: number;
}

/** A backup that must stay whatever the rules say, and why (shown as its reason). */
export interface ProtectedBackup {
  id: string;
  /** Default `pinned`. */
  reason?: 'pinned' | 'safety backup' | 'restoring' | (string & {});
}

export interface PlanRetentionOptions {
  /** Epoch ms. Backups dated after it are ignored when finding the newest for `keepWithin`. Default `Date.now()`. */
  now?: number;
  /** IANA zone of the calendar buckets, e.g. `Europe/Berlin`. Default the host's zone. */
  timeZone?: string;
  /** Ids kept whatever the rules say: a plain id is `pinned`. */
  protect?: ReadonlyArray<string | ProtectedBackup>;
}

export interface RetentionEntry {
  id: string;
  backup: Backup;
  action: 'keep' | 'remove';
  /** Why it is kept, e.g. `last 3`, `daily 2026-12-01`, `weekly 2026-W48`, `within 7d`, `newest`, `pinned`; empty for a removal. */
  reasons: string[];
}

export interface RetentionPlan {
  /** Every backup, newest first. */
  entries: RetentionEntry[];
  keep: RetentionEntry[];
  /** Newest first; `applyRetention` deletes them oldest first. */
  remove: RetentionEntry[];
  size: {
    keptBytes: number;
    removedBytes: number;
    maxBytes?: number;
    overBudget: boolean;
  };
  /** Human-readable, e.g. the kept backups being over `maxBytes`. */
  warnings: string[];
}

/** The policy validated once: what `planRetention` runs on. */
export interface ResolvedRetentionPolicy {
  counts: Record<BucketRule, number>;
  within?: Duration;
  scope: 'per-device' | 'all-devices';
  device?: string;
  maxBytes?: number;
}

type BucketRule = 'last' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

const COUNT_FIELDS: ReadonlyArray<readonly [BucketRule, keyof RetentionPolicy]> = [
  ['last', 'keepLast'],
  ['hourly', 'keepHourly'],
  ['daily', 'keepDaily'],
  ['weekly', 'keepWeekly'],
  ['monthly', 'keepMonthly'],
  ['yearly', 'keepYearly'],
];

/**
 * Checks a policy and turns its text into data. Throws `PolicyInputError` for a count that is
 * not a non-negative integer (restic's `-1` for "unlimited" included), a `keepWithin` that
 * does not parse, and a policy that would keep nothing (no rule, or only zeros).
 */
export function resolveRetentionPolicy(policy: RetentionPolicy): ResolvedRetentionPolicy {
  const counts = { last: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
  for (const [rule, field] of COUNT_FIELDS) {
    const value: unknown = policy[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      const hint = value === -1 ? ' (restic\'s -1, "keep all", is not supported: use a large count or keepWithin)' : '';
      throw new PolicyInputError({ field, input: value, message: `${field}: ${JSON.stringify(value)} is not a non-negative integer${hint}` });
    }
    counts[rule] = value;
  }
  let within: Duration | undefined;
  if (policy.keepWithin !== undefined) {
    // restic reads `1m` as a month; here it would be a minute and keep far less: refuse it.
    if (typeof policy.keepWithin === 'string' && /\dm(?!o|in)/.test(policy.keepWithin)) {
      throw new PolicyInputError({
        field: 'keepWithin',
        input: policy.keepWithin,
        message: `keepWithin: ${JSON.stringify(policy.keepWithin)} is ambiguous: write mo for months (restic's m, e.g. 1mo) or min for minutes`,
      });
    }
    const parsed = parseDuration(policy.keepWithin, 'keepWithin');
    if (!isZeroDuration(parsed)) within = parsed;
  }
  if (policy.scope !== undefined && policy.scope !== 'per-device' && policy.scope !== 'all-devices') {
    throw new PolicyInputError({ field: 'scope', input: policy.scope, message: `scope: ${JSON.stringify(policy.scope)} is not per-device or all-devices` });
  }
  if (policy.maxBytes !== undefined && !(typeof policy.maxBytes === 'number' && Number.isFinite(policy.maxBytes) && policy.maxBytes >= 0)) {
    throw new PolicyInputError({ field: 'maxBytes', input: policy.maxBytes, message: `maxBytes: ${JSON.stringify(policy.maxBytes)} is not a non-negative number of bytes` });
  }
  if (within === undefined && Object.values(counts).every((count) => count === 0)) {
    throw new PolicyInputError({
      field: 'policy',
      input: policy,
      message: 'a policy that would keep nothing: give at least one of keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly (above 0) or keepWithin',
    });
  }
  return {
    counts,
    ...(within && { within }),
    scope: policy.scope ?? 'per-device',
    ...(policy.device !== undefined && { device: policy.device }),
    ...(policy.maxBytes !== undefined && { maxBytes: policy.maxBytes }),
  };
}

/** Epoch ms of a backup: its `timestamp` (epoch ms as text), else `created.value`. */
export function backupTime(backup: Backup): number {
  const fromTimestamp = Number(backup.timestamp);
  if (backup.timestamp !== '' && Number.isFinite(fromTimestamp)) return fromTimestamp;
  return Date.parse(backup.created.value);
}

function bucketOf(rule: Exclude<BucketRule, 'last'>, epochMs: number, timeZone: string | undefined): string {
  const t = zonedTime(epochMs, timeZone);
  const date = `${t.year}-${pad(t.month)}-${pad(t.day)}`;
  switch (rule) {
    case 'hourly':
      return `${date} ${pad(t.hour)}h`;
    case 'daily':
      return date;
    case 'weekly': {
      const week = isoWeek(t.year, t.month, t.day);
      return `${week.year}-W${pad(week.week)}`;
    }
    case 'monthly':
      return `${t.year}-${pad(t.month)}`;
    case 'yearly':
      return String(t.year);
  }
}

function newestFirst(a: { backup: Backup; time: number }, b: { backup: Backup; time: number }): number {
  return b.time - a.time || (a.backup.id < b.backup.id ? 1 : a.backup.id > b.backup.id ? -1 : 0);
}

/**
 * Runs restic's `ApplyPolicy` on one group (newest first), adding reasons to `reasons`.
 * A bucket rule walks from the newest: a backup in a bucket not seen yet is kept and uses one
 * count; when counts are left at the oldest backup, it is kept too (`oldest daily ...`), as
 * restic does, so the history reaches as far back as the counts allow.
 */
function applyRules(
  group: ReadonlyArray<{ backup: Backup; time: number }>,
  policy: ResolvedRetentionPolicy,
  timeZone: string | undefined,
  now: number,
  reasons: Map<string, string[]>,
): void {
  if (group.length === 0) return;
  const add = (id: string, reason: string) => reasons.get(id)?.push(reason);
  const counts = { ...policy.counts };
  const last: Partial<Record<BucketRule, string>> = {};
  const present = group.filter((entry) => entry.time <= now);
  const anchor = (present[0] ?? group[0])?.time ?? now;
  const cutoff = policy.within && subtractDuration(anchor, policy.within, timeZone);
  group.forEach((entry, index) => {
    const oldest = index === group.length - 1;
    for (const [rule] of COUNT_FIELDS) {
      if (counts[rule] === 0) continue;
      const bucket = rule === 'last' ? String(index) : bucketOf(rule, entry.time, timeZone);
      if (bucket === last[rule] && !oldest) continue;
      const label = rule === 'last' ? `last ${policy.counts.last}` : `${rule} ${bucket}`;
      add(entry.backup.id, bucket === last[rule] ? `oldest ${label}` : label);
      last[rule] = bucket;
      counts[rule] -= 1;
    }
    if (policy.within && cutoff !== undefined && entry.time > cutoff) add(entry.backup.id, `within ${formatDuration(policy.within)}`);
  });
}

/**
 * What a retention policy keeps and removes, and why, without deleting anything: the preview a
 * UI and `--dry-run` show. Pure: the same backups, policy and options give the same plan.
 * Whatever the rules say, the newest backup of each device (`newest`) and every protected id
 * are kept.
 *
 * @example
 * ```ts
 * const plan = planRetention(backups, { keepLast: 3, keepDaily: 7 }, { timeZone: 'Europe/Berlin' });
 * for (const entry of plan.remove) console.log(`would remove ${entry.id}`);
 * await applyRetention(plan, (id) => client.delete(id));
 * ```
 */
export function planRetention(
  backups: readonly Backup[],
  policy: RetentionPolicy | ResolvedRetentionPolicy,
  options: PlanRetentionOptions = {},
): RetentionPlan {
  const resolved = 'counts' in policy ? policy : resolveRetentionPolicy(policy);
  const { timeZone, now = Date.now() } = options;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new PolicyInputError({ field: 'timeZone', input: timeZone, message: `timeZone: ${JSON.stringify(timeZone)} is not a time zone Intl knows (e.g. Europe/Berlin, UTC)` });
  }
  const dated = backups.map((backup) => ({ backup, time: backupTime(backup) })).sort(newestFirst);
  const reasons = new Map(dated.map(({ backup }) => [backup.id, [] as string[]]));

  const planned = dated.filter(({ backup }) => resolved.device === undefined || backup.device_name === resolved.device);
  const groups = new Map<string, typeof planned>();
  for (const entry of planned) {
    const key = resolved.scope === 'all-devices' ? '' : entry.backup.device_name;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const group of groups.values()) applyRules(group, resolved, timeZone, now, reasons);

  // Guards after the rules, so a backup's reasons list what the rules said first.
  const newestOfDevice = new Set<string>();
  for (const { backup } of dated) {
    if (newestOfDevice.has(backup.device_name)) continue;
    newestOfDevice.add(backup.device_name);
    reasons.get(backup.id)?.push('newest');
  }
  for (const item of options.protect ?? []) {
    const { id, reason = 'pinned' } = typeof item === 'string' ? { id: item } : item;
    const list = reasons.get(id);
    if (list && !list.includes(reason)) list.push(reason);
  }
  if (resolved.device !== undefined) {
    for (const { backup } of dated) if (backup.device_name !== resolved.device) reasons.get(backup.id)?.unshift('other device');
  }

  const entries: RetentionEntry[] = dated.map(({ backup }) => {
    const why = reasons.get(backup.id) ?? [];
    return { id: backup.id, backup, action: why.length > 0 ? 'keep' : 'remove', reasons: why };
  });
  const keep = entries.filter((entry) => entry.action === 'keep');
  const remove = entries.filter((entry) => entry.action === 'remove');
  const sum = (list: RetentionEntry[]) => list.reduce((total, entry) => total + entry.backup.bytes, 0);
  const keptBytes = sum(keep);
  const overBudget = resolved.maxBytes !== undefined && keptBytes > resolved.maxBytes;
  const warnings = overBudget ? [`the kept backups use ${keptBytes} bytes, over the budget of ${resolved.maxBytes} bytes`] : [];
  return {
    entries,
    keep,
    remove,
    size: { keptBytes, removedBytes: sum(remove), ...(resolved.maxBytes !== undefined && { maxBytes: resolved.maxBytes }), overBudget },
    warnings,
  };
}
