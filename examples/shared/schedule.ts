import { SCHEDULE_TEXTS, scheduleText, type Backup, type BackupCore, type RetentionPlan, type RetentionPolicy, type ScheduleView } from 'pieces-backup';

type RetentionReport = Awaited<ReturnType<BackupCore['retention']['prune']>>;
import { backupDate, backupTime, type Confirmation } from './labels.js';

// The schedule panel's words beyond the core's text model (scheduleText, retentionText):
// framework-free, so every example shows the same panel and one browser test reads them all.

const RULES = [
  ['keepLast', 'last'],
  ['keepHourly', 'hourly'],
  ['keepDaily', 'daily'],
  ['keepWeekly', 'weekly'],
  ['keepMonthly', 'monthly'],
  ['keepYearly', 'yearly'],
] as const;

/** A policy in a few words: `last 3, daily 7 (each device)`, `within 30d (all devices)`, `last 1 (this laptop)`. */
export function policyLabel(policy: RetentionPolicy): string {
  const rules: string[] = RULES.flatMap(([field, word]) => (policy[field] ? [`${word} ${policy[field]}`] : []));
  if (policy.keepWithin) rules.push(`within ${policy.keepWithin}`);
  const scope = policy.scope === 'all-devices' ? 'all devices' : (policy.device ?? 'each device');
  return `${rules.join(', ')} (${scope})`;
}

/**
 * The panel's first line, `Last backup 2 h ago · next in 4 h` (the core's `scheduleText`).
 * Without a schedule the core knows no device: the list's newest backup is the last one.
 */
export function scheduleSummary(view: ScheduleView, backups: readonly Backup[], now: number): string {
  const text = scheduleText(view, { now });
  if (view.configured || backups.length === 0) return text.summary;
  const newest = Math.max(...backups.map(backupTime));
  return `${SCHEDULE_TEXTS.lastBackup(SCHEDULE_TEXTS.span(now - newest))}${SCHEDULE_TEXTS.separator}${text.state}`;
}

/** The schedule's one command: `Pause` while it runs or waits, `Resume` once paused or stopped; null without a schedule. */
export function pauseOrResume(view: ScheduleView): 'Pause' | 'Resume' | null {
  if (!view.configured || view.phase === 'disposed') return null;
  return view.phase === 'paused' || view.phase === 'stopped' ? 'Resume' : 'Pause';
}

/** "Prune now": what it deletes, before anything is. */
export function pruneConfirmation(plan: RetentionPlan): Confirmation {
  const count = plan.remove.length;
  const dates = plan.remove.map((entry) => backupDate(entry.backup)).join('; ');
  return {
    title: `Delete ${count} ${count === 1 ? 'backup' : 'backups'} the policy does not keep?`,
    text: `Removed from Pieces OS for good: ${dates}. The others stay.`,
    confirm: 'Prune',
    dismiss: 'Keep them',
  };
}

/** After a prune (announced): `Pruned: 2 deleted, 1 skipped (busy or gone), 0 failed.` */
export function pruneReportText(report: RetentionReport): string {
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped (busy or gone)` : '';
  const failed = report.failed > 0 ? `, ${report.failed} failed` : '';
  return `Pruned: ${report.deleted} deleted${skipped}${failed}.`;
}

/** Calls `onTick(now)` now and every `ms` after (ages and "next in" are measured at `now`); returns the stop. */
export function watchClock(onTick: (now: number) => void, ms = 30_000): () => void {
  onTick(Date.now());
  const timer = setInterval(() => onTick(Date.now()), ms);
  return () => clearInterval(timer);
}
