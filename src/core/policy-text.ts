import type { RetentionEntry } from './policy/retention.js';
import type { ScheduleView } from './schedule-handle.js';

/** What the schedule's state line says, by phase (`waiting` by what it waits for). */
export type ScheduleStateKey = Exclude<ScheduleView['phase'], 'waiting'> | 'waitingForCreation' | 'waitingForRestoration' | 'waitingForLock' | 'notConfigured';

/**
 * Every word a face shows of the schedule and the retention preview: English by default
 * (`SCHEDULE_TEXTS`); an app replaces any part (`states` key by key).
 */
export interface ScheduleTexts {
  /** A span in words, rounded down: `2 h`, `3 d`, `45 min`, `less than a minute`. */
  span: (ms: number) => string;
  lastBackup: (ago: string) => string;
  noBackup: string;
  nextIn: (span: string) => string;
  /** The next run's time has come (it runs, or waits for what `state` says). */
  nextNow: string;
  /** Between the parts of `summary`. */
  separator: string;
  states: Record<ScheduleStateKey, string>;
  /** `stopped`: the state line with the user's action (`Stopped: Update Pieces OS, ...`). */
  stopped: (userAction: string) => string;
  stale: (span: string) => string;
  keep: (reasons: readonly string[]) => string;
  remove: string;
}

export type ScheduleTextOverrides = { [K in keyof ScheduleTexts]?: K extends 'states' ? Partial<ScheduleTexts[K]> : ScheduleTexts[K] };

function span(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} d`;
}

export const SCHEDULE_TEXTS: ScheduleTexts = {
  span,
  lastBackup: (ago) => `Last backup ${ago} ago`,
  noBackup: 'No backup yet',
  nextIn: (next) => `next in ${next}`,
  nextNow: 'next now',
  separator: ' · ',
  states: {
    notConfigured: 'No schedule',
    idle: 'Scheduled',
    running: 'Backing up…',
    waitingForCreation: 'Waiting for a backup to finish',
    waitingForRestoration: 'Waiting for a restore to finish',
    waitingForLock: 'Another window or process runs the schedule',
    paused: 'Paused',
    stopped: 'Stopped',
    disposed: 'Stopped',
  },
  stopped: (userAction) => `Stopped: ${userAction}`,
  stale: (ago) => `No backup for ${ago}`,
  keep: (reasons) => `keep: ${reasons.join(', ')}`,
  remove: 'remove',
};

/** The schedule in words: what every face renders. */
export interface ScheduleText {
  /** `Last backup 2 h ago · next in 4 h`, `No backup yet · Paused`. */
  summary: string;
  /** `Last backup 2 h ago`, `No backup yet`. */
  lastBackup: string;
  /** `next in 4 h`, `next now`; `''` while paused, stopped or not configured. */
  nextRun: string;
  /** `Scheduled`, `Paused`, `Waiting for a restore to finish`, `Stopped: Sign in to ...`. */
  state: string;
  /** `No backup for 13 h` when this device's last backup is stale, else null. */
  stale: string | null;
}

function merged(overrides: ScheduleTextOverrides): ScheduleTexts {
  return { ...SCHEDULE_TEXTS, ...overrides, states: { ...SCHEDULE_TEXTS.states, ...overrides.states } };
}

function stateKey(view: ScheduleView): ScheduleStateKey {
  if (!view.configured) return 'notConfigured';
  if (view.phase !== 'waiting') return view.phase;
  if (view.waitingFor === 'restoration') return 'waitingForRestoration';
  if (view.waitingFor === 'lock') return 'waitingForLock';
  return 'waitingForCreation';
}

/**
 * The schedule's view in words (English, or the app's: `texts` replaces any part of
 * `SCHEDULE_TEXTS`). Pure: ages and the time to the next run are measured at `now` (epoch ms,
 * default `Date.now()`), so a face re-renders it on a timer.
 *
 * @example
 * ```ts
 * status.textContent = scheduleText(core.schedule.getSnapshot()).summary; // Last backup 2 h ago · next in 4 h
 * ```
 */
export function scheduleText(view: ScheduleView, { now = Date.now(), texts: overrides }: { now?: number; texts?: ScheduleTextOverrides } = {}): ScheduleText {
  const texts = overrides ? merged(overrides) : SCHEDULE_TEXTS;
  const key = stateKey(view);
  const lastBackup = view.lastBackup ? texts.lastBackup(texts.span(now - view.lastBackup.at)) : texts.noBackup;
  const nextRun = view.nextDueAt === null ? '' : view.nextDueAt <= now ? texts.nextNow : texts.nextIn(texts.span(view.nextDueAt - now));
  const state = key === 'stopped' && view.stoppedBy ? texts.stopped(view.stoppedBy.userAction || view.stoppedBy.message) : texts.states[key];
  const tail = key === 'idle' || key === 'running' ? (key === 'running' ? state : nextRun) : state;
  return {
    summary: [lastBackup, tail].filter((part) => part !== '').join(texts.separator),
    lastBackup,
    nextRun,
    state,
    stale: view.stale && view.lastBackup ? texts.stale(texts.span(now - view.lastBackup.at)) : null,
  };
}

/**
 * One row of a retention preview in words: `keep: last 3, daily 2026-12-01` or `remove`.
 *
 * @example
 * ```ts
 * for (const entry of core.retention.getSnapshot().plan?.entries ?? []) row(entry.id, retentionText(entry));
 * ```
 */
export function retentionText(entry: Pick<RetentionEntry, 'action' | 'reasons'>, { texts: overrides }: { texts?: ScheduleTextOverrides } = {}): string {
  const texts = overrides ? merged(overrides) : SCHEDULE_TEXTS;
  return entry.action === 'keep' ? texts.keep(entry.reasons) : texts.remove;
}
