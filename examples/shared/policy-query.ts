import type { RetentionPolicy } from 'pieces-backup';

// The dashboard's schedule and retention policy, from its address:
//   ?every=6h | ?dailyAt=02:30   (&jitter=10m &deviceName=laptop)   a schedule: none unless asked
//   &keepLast=3 &keepHourly=24 &keepDaily=7 &keepWeekly=4 &keepMonthly=12 &keepYearly=2
//   &keepWithin=7d &allDevices=1                                       the retention policy
// Without retention keys the page previews DEFAULT_RETENTION. The values are passed on as given:
// the core parses them and says what is wrong (PolicyInputError), and the page shows that.

/** Previewed (and applied by "Prune now", and after each scheduled backup) when the address names no rule. */
export const DEFAULT_RETENTION: RetentionPolicy = { keepLast: 3, keepDaily: 7 };

const COUNTS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;

export interface PagePolicy {
  schedule: { every?: string; dailyAt?: string; jitter?: string; deviceName?: string } | undefined;
  retention: RetentionPolicy;
  /** The address named no retention rule: `retention` is DEFAULT_RETENTION. */
  defaultRetention: boolean;
}

export function pagePolicy(search: string = location.search): PagePolicy {
  const params = new URLSearchParams(search);
  const get = (name: string) => params.get(name) ?? undefined;
  const every = get('every');
  const dailyAt = get('dailyAt');
  const schedule =
    every !== undefined || dailyAt !== undefined
      ? {
          ...(every !== undefined && { every }),
          ...(dailyAt !== undefined && { dailyAt }),
          ...(get('jitter') !== undefined && { jitter: get('jitter') }),
          ...(get('deviceName') !== undefined && { deviceName: get('deviceName') }),
        }
      : undefined;
  const retention: RetentionPolicy = {};
  // a count that is not a number stays one (NaN): the core refuses it with the field's name
  for (const key of COUNTS) if (params.has(key)) retention[key] = params.get(key)!.trim() === '' ? Number.NaN : Number(params.get(key));
  if (params.has('keepWithin')) retention.keepWithin = params.get('keepWithin')!;
  const defaultRetention = Object.keys(retention).length === 0;
  if (params.get('allDevices') === '1') retention.scope = 'all-devices';
  return { schedule, retention: defaultRetention ? { ...DEFAULT_RETENTION, ...retention } : retention, defaultRetention };
}

/** `last 3 · daily 7 · within 7d`: the policy in words, for the page's "Keeping" line. */
export function retentionPolicyText(policy: RetentionPolicy): string {
  const words: string[] = [];
  const names = { keepLast: 'last', keepHourly: 'hourly', keepDaily: 'daily', keepWeekly: 'weekly', keepMonthly: 'monthly', keepYearly: 'yearly' };
  for (const key of COUNTS) if (policy[key] !== undefined) words.push(`${names[key]} ${policy[key]}`);
  if (policy.keepWithin !== undefined) words.push(`within ${policy.keepWithin}`);
  if (policy.scope === 'all-devices') words.push('across devices');
  return words.join(' · ');
}
