import { isBusyState, isSettledState, type LifecycleError } from '../../machines/index.js';
import type { OperationKind } from '../models/index.js';
import type { LifecycleSnapshot, LifecycleState } from './lifecycle.js';

/** What a headline may say about the run (already in words where it is shown as is). */
export interface HeadlineFacts {
  kind: OperationKind;
  /** `texts.noun[kind]`: `Backup`, `Restore`. */
  noun: string;
  /** The backup's readable date when known, else its id (`''` before either is known). */
  backup: string;
  /** Followed, not started here (`attach`). */
  attached: boolean;
  tooLateToCancel: boolean;
  outcomeUnknown: boolean;
  /** `texts.percentage(...)`: `42%`. */
  percentage: string;
}

/**
 * Every word a face shows of a lifecycle, in one table: English by default
 * (`LIFECYCLE_TEXTS`); an app replaces any part of it (see `LifecycleTextOverrides`).
 */
export interface LifecycleTexts {
  noun: Record<OperationKind, string>;
  /** A state in one word or two, for a terminal's progress line. */
  states: Record<LifecycleState, string>;
  /** A card's status line, by state. */
  headlines: Record<LifecycleState, (facts: HeadlineFacts) => string>;
  /** Said while status reads fail and are retried. */
  reconnecting: (attempt: number) => string;
  /** Replaces the state word while status reads fail and are retried. */
  reconnectingState: (attempt: number) => string;
  percentage: (whole: number) => string;
  /** Time left, in words (`about 7 s left`). */
  eta: (ms: number) => string;
  /** A duration as a clock (`0:07`, `1:02:03`): elapsed time and a terminal's ETA. */
  clock: (ms: number) => string;
  /** The clock's place while no rate is known. */
  unknownClock: string;
  /** The transport's place before the first progress. */
  noTransport: string;
  /** What the user can do about a failure; the default is the error's own English sentence. */
  userAction: (error: LifecycleError) => string;
}

/** A part of the table to replace: a whole entry, or some keys of a record entry. */
export type LifecycleTextOverrides = {
  [K in keyof LifecycleTexts]?: LifecycleTexts[K] extends (...args: never[]) => unknown ? LifecycleTexts[K] : Partial<LifecycleTexts[K]>;
};

/** `m:ss`, or `h:mm:ss` from an hour on. */
function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function eta(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds < 60 ? `about ${seconds} s left` : `about ${Math.floor(seconds / 60)} min ${seconds % 60} s left`;
}

const lower = (noun: string) => noun.toLowerCase();

/** The English words of every face (CLI, element, examples). */
export const LIFECYCLE_TEXTS: LifecycleTexts = {
  noun: { creation: 'Backup', restoration: 'Restore' },
  states: {
    idle: 'idle',
    confirming: 'confirming',
    starting: 'starting…',
    running: 'running',
    cancelling: 'cancelling…',
    checking: 'checking',
    preflight: 'checking the backup…',
    safety: 'safety backup…',
    safetyCancelling: 'cancelling…',
    done: 'done',
    cancelled: 'cancelled',
    failed: 'failed',
  },
  headlines: {
    idle: ({ noun }) => `No ${lower(noun)} running.`,
    confirming: ({ backup }) => `Restore the backup of ${backup}?`,
    starting: ({ noun }) => `${noun} starting…`,
    running: ({ noun, attached }) => `${noun} running${attached ? ' (started elsewhere)' : ''}`,
    cancelling: ({ noun }) => `Cancelling the ${lower(noun)}…`,
    checking: ({ noun }) => `${noun}: asking Pieces OS whether it ran…`,
    preflight: () => 'Checking the backup before the restore…',
    safety: () => 'Backing up your current data first (a safety backup you can undo to)…',
    safetyCancelling: () => 'Cancelling the safety backup; nothing was replaced…',
    done: ({ noun, tooLateToCancel }) => (tooLateToCancel ? `${noun} finished before the cancel reached it.` : `${noun} complete.`),
    cancelled: ({ noun }) => `${noun} cancelled.`,
    failed: ({ noun, outcomeUnknown }) => (outcomeUnknown ? `${noun}: the outcome is unknown.` : `${noun} failed.`),
  },
  reconnecting: (attempt) => `Reconnecting to Pieces OS… (attempt ${attempt})`,
  reconnectingState: (attempt) => `reconnecting… (attempt ${attempt})`,
  percentage: (whole) => `${whole}%`,
  eta,
  clock,
  unknownClock: '--:--',
  noTransport: '-',
  userAction: (error) => error.userAction,
};

/** A lifecycle in words and flags: what every face renders. */
export interface LifecycleText {
  state: LifecycleState;
  /** `texts.noun[kind]`: `Backup`, `Restore`. */
  noun: string;
  /** `running`, `cancelling…`, or `reconnecting… (attempt 2)` while status reads fail. */
  stateText: string;
  /** A sentence: `Backup running`, `Restore complete.`, `Backup: the outcome is unknown.` */
  headline: string;
  /** While status reads fail and are retried: `Reconnecting to Pieces OS… (attempt 2)`; else null. */
  reconnecting: string | null;
  /** Whole percent: `42%`. */
  percentage: string;
  /** Time left in words while busy and a rate is known, else `''`. */
  eta: string;
  /** Time left as a clock: `0:07`, `0:00` once at 100 %, `--:--` while unknown. */
  remaining: string;
  /** Since the run started, as a clock (until it finished). */
  elapsed: string;
  /** `websocket`, `ndjson`, `polling`, or `-` before the first progress. */
  transport: string;
  /** In `failed`: what went wrong (the error's message); else null. */
  error: string | null;
  /** In `failed`: the daemon's own words when it answered any (`505: ...`), else the message. */
  detail: string | null;
  /** In `failed`: what the user can do about it. */
  userAction: string | null;
  /** An operation is under way (see `BUSY_STATES`): a bar and an ETA show. */
  busy: boolean;
  /** The run ended (see `SETTLED_STATES`). */
  settled: boolean;
  canCancel: boolean;
  canRetry: boolean;
}

function merged(overrides: LifecycleTextOverrides): LifecycleTexts {
  const { noun, states, headlines, ...entries } = overrides;
  return {
    ...LIFECYCLE_TEXTS,
    ...entries,
    noun: { ...LIFECYCLE_TEXTS.noun, ...noun },
    states: { ...LIFECYCLE_TEXTS.states, ...states },
    headlines: { ...LIFECYCLE_TEXTS.headlines, ...headlines },
  };
}

/**
 * A lifecycle snapshot in words (English, or the app's: `texts` replaces any part of
 * `LIFECYCLE_TEXTS`) and the flags a face needs. Pure: `now` (epoch ms, default
 * `Date.now()`) is only for the elapsed time.
 *
 * @example
 * ```ts
 * const text = lifecycleText('creation', core.backup.getSnapshot(), { texts: { noun: { creation: 'Sicherung' } } });
 * status.textContent = text.headline;
 * ```
 */
export function lifecycleText(
  kind: OperationKind,
  { value, context }: LifecycleSnapshot,
  { now = Date.now(), texts: overrides }: { now?: number; texts?: LifecycleTextOverrides } = {},
): LifecycleText {
  const texts = overrides ? merged(overrides) : LIFECYCLE_TEXTS;
  const noun = texts.noun[kind];
  const percentage = texts.percentage(Math.floor(context.percentage));
  const busy = isBusyState(value);
  const failure = value === 'failed' ? context.error : null;
  const facts: HeadlineFacts = {
    kind,
    noun,
    backup: context.backup?.created.readable ?? context.backupId ?? '',
    attached: context.attached,
    tooLateToCancel: context.tooLateToCancel,
    outcomeUnknown: context.error?.outcomeUnknown === true,
    percentage,
  };
  const { retrying } = context;
  return {
    state: value,
    noun,
    stateText: retrying ? texts.reconnectingState(retrying.attempt) : texts.states[value],
    headline: texts.headlines[value](facts),
    reconnecting: retrying ? texts.reconnecting(retrying.attempt) : null,
    percentage,
    eta: busy && context.eta !== null ? texts.eta(context.eta) : '',
    remaining: context.eta !== null ? texts.clock(context.eta) : context.percentage >= 100 ? texts.clock(0) : texts.unknownClock,
    elapsed: texts.clock(context.startedAt === null ? 0 : (context.finishedAt ?? now) - context.startedAt),
    transport: context.transport ?? texts.noTransport,
    error: failure ? failure.message : null,
    detail: failure ? `${failure.status ? `${failure.status}: ` : ''}${failure.body ?? failure.message}` : null,
    userAction: failure ? texts.userAction(failure) : null,
    busy,
    settled: isSettledState(value),
    canCancel: value === 'starting' || value === 'running' || value === 'preflight' || value === 'safety',
    canRetry: value === 'failed',
  };
}
