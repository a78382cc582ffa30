import { describe, expect, it } from 'vitest';
import { isConflictError, ConflictError, NotFoundError, NetworkError } from '../../../src/api/errors/index.js';
import { applyRetention } from '../../../src/core/policy/apply-retention.js';
import { isPolicyInputError } from '../../../src/core/policy/policy-input-error.js';
import { planRetention, type PlanRetentionOptions, type RetentionPolicy } from '../../../src/core/policy/retention.js';
import { at, backupMadeAt } from './support.js';

interface RetentionCase {
  name: string;
  timeZone: string;
  /** Local `YYYY-MM-DD HH:MM` in `timeZone`, or `...Z` instants; `device@time` for another device. */
  backups: string[];
  policy: RetentionPolicy;
  options?: Omit<PlanRetentionOptions, 'timeZone'>;
  /** Every kept backup with its reasons, joined by `, `; every other backup must be removed. */
  keep: Record<string, string>;
}

const cases: RetentionCase[] = [
  {
    name: 'keep-last 3 keeps the newest three',
    timeZone: 'UTC',
    backups: ['2026-12-01 10:00', '2026-12-02 10:00', '2026-12-03 10:00', '2026-12-04 10:00', '2026-12-05 10:00'],
    policy: { keepLast: 3 },
    keep: { '2026-12-05 10:00': 'last 3, newest', '2026-12-04 10:00': 'last 3', '2026-12-03 10:00': 'last 3' },
  },
  {
    name: 'several backups in one day: keep-daily keeps the newest of each day',
    timeZone: 'UTC',
    backups: ['2026-12-01 08:00', '2026-12-01 12:00', '2026-12-01 20:00', '2026-12-02 09:00', '2026-12-02 18:00'],
    policy: { keepDaily: 2 },
    keep: { '2026-12-02 18:00': 'daily 2026-12-02, newest', '2026-12-01 20:00': 'daily 2026-12-01' },
  },
  {
    name: 'counts left at the oldest backup keep it too (restic: "oldest daily")',
    timeZone: 'UTC',
    backups: ['2026-12-01 08:00', '2026-12-01 12:00', '2026-12-01 20:00', '2026-12-02 09:00', '2026-12-02 18:00'],
    policy: { keepDaily: 5 },
    keep: {
      '2026-12-02 18:00': 'daily 2026-12-02, newest',
      '2026-12-01 20:00': 'daily 2026-12-01',
      '2026-12-01 08:00': 'oldest daily 2026-12-01',
    },
  },
  {
    name: 'gaps of weeks: a week with no backup uses no count',
    timeZone: 'UTC',
    backups: ['2026-10-05 10:00', '2026-10-06 10:00', '2026-11-02 10:00', '2026-11-30 10:00'],
    policy: { keepWeekly: 3 },
    keep: { '2026-11-30 10:00': 'weekly 2026-W49, newest', '2026-11-02 10:00': 'weekly 2026-W45', '2026-10-06 10:00': 'weekly 2026-W41' },
  },
  {
    name: "a bucket keeps its newest one, not its first",
    timeZone: 'UTC',
    backups: ['2026-11-03 10:00', '2026-11-28 10:00', '2026-12-01 10:00', '2026-12-15 10:00'],
    policy: { keepMonthly: 2 },
    keep: { '2026-12-15 10:00': 'monthly 2026-12, newest', '2026-11-28 10:00': 'monthly 2026-11' },
  },
  {
    name: 'overlapping rules: one backup satisfies several, each rule counts on its own',
    timeZone: 'UTC',
    backups: ['2026-11-30 10:00', '2026-12-01 10:00', '2026-12-02 10:00', '2026-12-03 09:00', '2026-12-03 21:00'],
    policy: { keepLast: 2, keepDaily: 3 },
    keep: {
      '2026-12-03 21:00': 'last 2, daily 2026-12-03, newest',
      '2026-12-03 09:00': 'last 2',
      '2026-12-02 10:00': 'daily 2026-12-02',
      '2026-12-01 10:00': 'daily 2026-12-01',
    },
  },
  {
    name: 'daily, weekly, monthly and yearly together',
    timeZone: 'UTC',
    backups: ['2025-06-15 10:00', '2026-01-10 10:00', '2026-11-20 10:00', '2026-12-07 10:00', '2026-12-08 10:00', '2026-12-09 10:00'],
    policy: { keepDaily: 2, keepWeekly: 2, keepMonthly: 2, keepYearly: 2 },
    keep: {
      '2026-12-09 10:00': 'daily 2026-12-09, weekly 2026-W50, monthly 2026-12, yearly 2026, newest',
      '2026-12-08 10:00': 'daily 2026-12-08',
      '2026-11-20 10:00': 'weekly 2026-W47, monthly 2026-11',
      '2025-06-15 10:00': 'yearly 2025',
    },
  },
  {
    name: 'time-zone day boundary in UTC: 23:30 and 00:30 are two days',
    timeZone: 'UTC',
    backups: ['2026-12-01T22:00:00Z', '2026-12-01T23:30:00Z', '2026-12-02T00:30:00Z'],
    policy: { keepDaily: 2 },
    keep: { '2026-12-02T00:30:00Z': 'daily 2026-12-02, newest', '2026-12-01T23:30:00Z': 'daily 2026-12-01' },
  },
  {
    name: 'the same three instants in New York are one day (17:00, 18:30, 19:30)',
    timeZone: 'America/New_York',
    backups: ['2026-12-01T22:00:00Z', '2026-12-01T23:30:00Z', '2026-12-02T00:30:00Z'],
    policy: { keepDaily: 2 },
    keep: { '2026-12-02T00:30:00Z': 'daily 2026-12-01, newest', '2026-12-01T22:00:00Z': 'oldest daily 2026-12-01' },
  },
  {
    name: 'and in Berlin the day turns between the first and the second (23:00, 00:30, 01:30)',
    timeZone: 'Europe/Berlin',
    backups: ['2026-12-01T22:00:00Z', '2026-12-01T23:30:00Z', '2026-12-02T00:30:00Z'],
    policy: { keepDaily: 2 },
    keep: { '2026-12-02T00:30:00Z': 'daily 2026-12-02, newest', '2026-12-01T22:00:00Z': 'daily 2026-12-01' },
  },
  {
    name: 'a Sunday night in Tokyo is already Monday: the ISO week turns',
    timeZone: 'Asia/Tokyo',
    backups: ['2026-11-29T10:00:00Z', '2026-11-29T16:00:00Z'],
    policy: { keepWeekly: 1 },
    keep: { '2026-11-29T16:00:00Z': 'weekly 2026-W49, newest' },
  },
  {
    name: 'when the clocks go back, the repeated hour is one hourly bucket (as restic)',
    timeZone: 'Europe/Berlin',
    backups: ['2026-10-25T00:10:00Z', '2026-10-25T00:40:00Z', '2026-10-25T01:40:00Z'],
    policy: { keepHourly: 1 },
    keep: { '2026-10-25T01:40:00Z': 'hourly 2026-10-25 02h, newest' },
  },
  {
    name: 'keep-within counts back from the newest backup, not from now',
    timeZone: 'UTC',
    backups: ['2026-11-01 12:00', '2026-12-03 12:00', '2026-12-03 13:00', '2026-12-10 12:00'],
    policy: { keepWithin: '7d' },
    options: { now: at('2027-06-01 00:00') },
    keep: { '2026-12-10 12:00': 'within 7d, newest', '2026-12-03 13:00': 'within 7d' },
  },
  {
    name: 'keep-within 1mo is a calendar month (31 March back to 3 March, as Go\'s AddDate)',
    timeZone: 'UTC',
    backups: ['2026-03-02 12:00', '2026-03-03 09:00', '2026-03-03 11:00', '2026-03-31 10:00'],
    policy: { keepWithin: '1mo' },
    keep: { '2026-03-31 10:00': 'within 1mo, newest', '2026-03-03 11:00': 'within 1mo' },
  },
  {
    name: 'a backup dated in the future does not move the keep-within window',
    timeZone: 'UTC',
    backups: ['2026-12-01 12:00', '2026-12-05 12:00', '2027-03-01 12:00'],
    policy: { keepWithin: '2d' },
    options: { now: at('2026-12-06 00:00') },
    keep: { '2027-03-01 12:00': 'within 2d, newest', '2026-12-05 12:00': 'within 2d' },
  },
  {
    name: 'per device by default: each device keeps its own last 1',
    timeZone: 'UTC',
    backups: ['2026-12-01 10:00', '2026-12-02 10:00', 'desktop@2026-11-20 10:00', 'desktop@2026-11-21 10:00'],
    policy: { keepLast: 1 },
    keep: { '2026-12-02 10:00': 'last 1, newest', 'desktop@2026-11-21 10:00': 'last 1, newest' },
  },
  {
    name: "across devices the rules count all backups, yet each device's newest is kept",
    timeZone: 'UTC',
    backups: ['2026-12-01 10:00', '2026-12-02 10:00', 'desktop@2026-11-20 10:00', 'desktop@2026-11-21 10:00'],
    policy: { keepLast: 2, scope: 'all-devices' },
    keep: { '2026-12-02 10:00': 'last 2, newest', '2026-12-01 10:00': 'last 2', 'desktop@2026-11-21 10:00': 'newest' },
  },
  {
    name: "one device's plan leaves the other devices alone",
    timeZone: 'UTC',
    backups: ['2026-12-01 10:00', '2026-12-02 10:00', 'desktop@2026-11-20 10:00', 'desktop@2026-11-21 10:00'],
    policy: { keepLast: 1, device: 'laptop' },
    keep: { '2026-12-02 10:00': 'last 1, newest', 'desktop@2026-11-20 10:00': 'other device', 'desktop@2026-11-21 10:00': 'other device, newest' },
  },
  {
    name: 'pinned ids, a safety backup and the backup being restored stay whatever the rules say',
    timeZone: 'UTC',
    backups: ['2026-11-01 10:00', '2026-11-02 10:00', '2026-11-03 10:00', '2026-11-04 10:00', '2026-12-01 10:00'],
    policy: { keepLast: 1 },
    options: {
      protect: [
        `9.0.0_${at('2026-11-01 10:00')}`,
        { id: `9.0.0_${at('2026-11-02 10:00')}`, reason: 'safety backup' },
        { id: `9.0.0_${at('2026-11-03 10:00')}`, reason: 'restoring' },
        '9.0.0_404', // an id not in the list changes nothing
      ],
    },
    keep: {
      '2026-12-01 10:00': 'last 1, newest',
      '2026-11-03 10:00': 'restoring',
      '2026-11-02 10:00': 'safety backup',
      '2026-11-01 10:00': 'pinned',
    },
  },
];

function backupsOf(test: RetentionCase) {
  return test.backups.map((label) => {
    const [device, time] = label.includes('@') ? (label.split('@') as [string, string]) : ['laptop', label];
    return { label, backup: backupMadeAt(at(time, test.timeZone), { device }) };
  });
}

describe('planRetention: restic forget semantics', () => {
  it.each(cases)('$name', (test) => {
    const labelled = backupsOf(test);
    const plan = planRetention(
      labelled.map(({ backup }) => backup),
      test.policy,
      { now: at('2027-01-01 00:00'), ...test.options, timeZone: test.timeZone },
    );
    const labelOf = new Map(labelled.map(({ label, backup }) => [backup.id, label]));
    const kept = Object.fromEntries(plan.keep.map((entry) => [labelOf.get(entry.id), entry.reasons.join(', ')]));
    expect(kept).toEqual(test.keep);
    const removed = plan.remove.map((entry) => labelOf.get(entry.id));
    expect(removed.sort()).toEqual(test.backups.filter((label) => !(label in test.keep)).sort());
    expect(plan.entries.every((entry) => (entry.action === 'remove') === (entry.reasons.length === 0))).toBe(true);
  });

  it('lists every backup newest first, and sums the bytes kept and removed against a budget', () => {
    const backups = [1, 2, 3, 4].map((day) => backupMadeAt(at(`2026-12-0${day} 10:00`), { bytes: day * 100 }));
    const plan = planRetention(backups, { keepLast: 2, maxBytes: 500 }, { timeZone: 'UTC' });
    expect(plan.entries.map((entry) => entry.backup.bytes)).toEqual([400, 300, 200, 100]);
    expect(plan.size).toEqual({ keptBytes: 700, removedBytes: 300, maxBytes: 500, overBudget: true });
    expect(plan.warnings).toEqual(['the kept backups use 700 bytes, over the budget of 500 bytes']);
    expect(planRetention(backups, { keepLast: 2, maxBytes: 700 }, { timeZone: 'UTC' }).size.overBudget).toBe(false);
  });

  it('plans an empty list as an empty plan', () => {
    expect(planRetention([], { keepLast: 1 }).entries).toEqual([]);
  });
});

describe('planRetention: bad input', () => {
  const refused: Array<[string, RetentionPolicy, string | RegExp]> = [
    ['no rule at all', {}, /^a policy that would keep nothing/],
    ['keep-last 0 alone', { keepLast: 0 }, /^a policy that would keep nothing/],
    ['only zeros', { keepLast: 0, keepDaily: 0, keepWithin: '0d' }, /^a policy that would keep nothing/],
    ['restic -1', { keepDaily: -1 }, /keepDaily: -1 is not a non-negative integer \(restic's -1/],
    ['a fraction', { keepWeekly: 1.5 }, 'keepWeekly: 1.5 is not a non-negative integer'],
    ['a string count', { keepLast: '3' as unknown as number }, 'keepLast: "3" is not a non-negative integer'],
    ['restic 1m (a month there, a minute here)', { keepWithin: '1m' }, /keepWithin: "1m" is ambiguous: write mo for months/],
    ['a duration that does not parse', { keepWithin: 'a week' }, /keepWithin: "a week" is not a duration/],
    ['a negative budget', { keepLast: 1, maxBytes: -1 }, 'maxBytes: -1 is not a non-negative number of bytes'],
  ];
  it.each(refused)('refuses %s', (_name, policy, message) => {
    let caught: unknown;
    try {
      planRetention([], policy);
    } catch (error) {
      caught = error;
    }
    expect(isPolicyInputError(caught)).toBe(true);
    expect((caught as Error).name).toBe('PolicyInputError');
    if (typeof message === 'string') expect((caught as Error).message).toBe(message);
    else expect((caught as Error).message).toMatch(message);
  });

  it('refuses a time zone Intl does not know', () => {
    expect(() => planRetention([], { keepLast: 1 }, { timeZone: 'Mars/Olympus' })).toThrow(/timeZone: "Mars\/Olympus" is not a time zone/);
  });

  it('accepts keepWithin in minutes written min', () => {
    expect(planRetention([], { keepWithin: '90min' }).entries).toEqual([]);
  });
});

describe('applyRetention', () => {
  const day = (n: number) => backupMadeAt(at(`2026-12-${String(n).padStart(2, '0')} 10:00`));

  it('deletes the removals oldest first, one at a time, and a 409 or a failure loses nothing else', async () => {
    const backups = [1, 2, 3, 4, 5, 6].map(day);
    const plan = planRetention(backups, { keepLast: 1 }, { timeZone: 'UTC' });
    const calls: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const remove = async (id: string) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push(id);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight -= 1;
      if (id === day(2).id) throw new ConflictError({ method: 'DELETE', url: `/backup/${id}`, body: `backup ${id} is being restored` });
      if (id === day(3).id) throw new NetworkError({ method: 'DELETE', url: `/backup/${id}` });
      if (id === day(4).id) throw new NotFoundError({ method: 'DELETE', url: `/backup/${id}`, body: 'gone' });
    };
    const seen: string[] = [];
    const report = await applyRetention(plan, remove, { onResult: (result) => seen.push(`${result.id}:${result.outcome}`) });
    expect(calls).toEqual([1, 2, 3, 4, 5].map((n) => day(n).id));
    expect(maxInFlight).toBe(1);
    expect(report.results.map((result) => result.outcome)).toEqual(['deleted', 'skipped', 'failed', 'skipped', 'deleted']);
    expect(report.results[1]).toMatchObject({ reason: 'conflict' });
    expect(isConflictError((report.results[1] as { error?: unknown }).error)).toBe(true);
    expect(report.results[3]).toMatchObject({ reason: 'not found' });
    expect(report).toMatchObject({ deleted: 2, skipped: 2, failed: 1 });
    expect(seen).toEqual(report.results.map((result) => `${result.id}:${result.outcome}`));
  });

  it('stops at an abort: the rest are skipped, none deleted', async () => {
    const plan = planRetention([1, 2, 3].map(day), { keepLast: 1 }, { timeZone: 'UTC' });
    const controller = new AbortController();
    const deleted: string[] = [];
    const report = await applyRetention(
      plan,
      async (id) => {
        deleted.push(id);
        controller.abort();
      },
      { signal: controller.signal },
    );
    expect(deleted).toEqual([day(1).id]);
    expect(report.results.map((result) => result.outcome)).toEqual(['deleted', 'skipped']);
  });
});
