import type { OptionValues } from 'commander';
import { isPolicyInputError } from '../../core/policy/policy-input-error.js';
import { resolveRetentionPolicy, type RetentionPolicy } from '../../core/policy/retention.js';
import { UsageError } from './usage-error.js';

/** The retention flags `prune` and `schedule` share, as commander option specs. */
export const RETENTION_FLAGS: ReadonlyArray<[flags: string, description: string]> = [
  ['--keep-last <n>', 'keep the newest N backups'],
  ['--keep-hourly <n>', 'keep the newest backup of each of the last N hours that have one (local time)'],
  ['--keep-daily <n>', 'keep the newest backup of each of the last N days that have one'],
  ['--keep-weekly <n>', 'keep the newest backup of each of the last N ISO weeks that have one'],
  ['--keep-monthly <n>', 'keep the newest backup of each of the last N months that have one'],
  ['--keep-yearly <n>', 'keep the newest backup of each of the last N years that have one'],
  ['--keep-within <duration>', 'keep every backup made within DURATION before the newest (7d, 1mo, 1y6mo)'],
  ['--device <name>', "apply the rules to this device's backups only (default: each device's apart)"],
  ['--all-devices', 'apply the rules to all backups together, not per device'],
];

const COUNTS = [
  ['keepLast', '--keep-last'],
  ['keepHourly', '--keep-hourly'],
  ['keepDaily', '--keep-daily'],
  ['keepWeekly', '--keep-weekly'],
  ['keepMonthly', '--keep-monthly'],
  ['keepYearly', '--keep-yearly'],
] as const;

const FLAG_OF: Record<string, string> = { ...Object.fromEntries(COUNTS), keepWithin: '--keep-within', every: '--every', dailyAt: '--daily-at', jitter: '--jitter' };

const RULES_HINT = 'give at least one of --keep-last N, --keep-hourly N, --keep-daily N, --keep-weekly N, --keep-monthly N, --keep-yearly N (N above 0) or --keep-within DURATION';

/** A policy error in the CLI's words: the flag's name in place of the option's. */
export function usageErrorOf(error: unknown): never {
  if (!isPolicyInputError(error)) throw error;
  if (error.field === 'policy') throw new UsageError(`nothing to keep: ${RULES_HINT}; the newest backup of each device is always kept`);
  const flag = FLAG_OF[error.field];
  throw new UsageError(flag ? error.message.replace(new RegExp(`^${error.field}:`), `${flag}:`) : error.message);
}

/**
 * The retention flags as a checked `RetentionPolicy`, or `null` when none is given and
 * `required` is false. Throws `UsageError` for a count that is not a non-negative integer, a
 * duration that does not parse, a policy that keeps nothing (`--keep-last 0` alone), and
 * `--device` with `--all-devices`.
 */
export function retentionPolicyOf(options: OptionValues, required: boolean): RetentionPolicy | null {
  const policy: RetentionPolicy = {};
  let given = false;
  for (const [field, flag] of COUNTS) {
    const value: unknown = options[field];
    if (value === undefined) continue;
    given = true;
    // digits only: commander hands us text, and `1e3`, `-1`, `2.5` and `0x10` are not counts
    if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      const hint = value === '-1' ? ' (restic\'s -1, "keep all", is not supported: use a large count or --keep-within)' : '';
      throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a non-negative integer${hint}`);
    }
    policy[field] = Number(value);
  }
  if (typeof options.keepWithin === 'string') {
    given = true;
    policy.keepWithin = options.keepWithin;
  }
  if (options.device !== undefined && options.allDevices === true) throw new UsageError('give --device NAME or --all-devices, not both');
  if (!given) {
    if (!required) return null;
    throw new UsageError(`prune needs a rule: ${RULES_HINT}`);
  }
  if (typeof options.device === 'string') policy.device = options.device;
  if (options.allDevices === true) policy.scope = 'all-devices';
  try {
    resolveRetentionPolicy(policy);
  } catch (error) {
    usageErrorOf(error);
  }
  return policy;
}
