import { formatDuration } from './format.js';
import type { LifecycleSnapshot } from './lifecycle-snapshot.js';

/** What a progress display shows of one lifecycle, as text, at `now` (epoch ms). */
export interface ProgressText {
  /** `running`, `cancelling…`, or `reconnecting… (attempt 2)` while status reads fail. */
  state: string;
  /** Whole percent, e.g. `42%`. */
  percentage: string;
  /** `0:07`, or `--:--` while no rate is known. */
  eta: string;
  /** `websocket`, `ndjson`, `polling`, or `-` before the first progress. */
  transport: string;
  elapsed: string;
}

export function progressText({ value, context }: LifecycleSnapshot, now: number): ProgressText {
  const state = String(value);
  return {
    state: context.retrying
      ? `reconnecting… (attempt ${context.retrying.attempt})`
      : state === 'cancelling' || state === 'starting'
        ? `${state}…`
        : state,
    percentage: `${Math.floor(context.percentage)}%`,
    eta: context.eta !== null ? formatDuration(context.eta) : context.percentage >= 100 ? formatDuration(0) : '--:--',
    transport: context.transport ?? '-',
    elapsed: formatDuration(context.startedAt === null ? 0 : (context.finishedAt ?? now) - context.startedAt),
  };
}

/** One plain line: `restore  42%  ETA 0:07  via websocket  0:03 elapsed  running`. */
export function progressLine(label: string, snapshot: LifecycleSnapshot, now: number): string {
  const text = progressText(snapshot, now);
  return `${label}  ${text.percentage.padStart(4)}  ETA ${text.eta}  via ${text.transport}  ${text.elapsed} elapsed  ${text.state}`;
}

/**
 * What a plain or JSON display prints again only when it changed: state, status, transport,
 * reconnecting, and the percentage in steps of `step` (1: every whole percent). Not the
 * clocks, which change every second.
 */
export function progressKey({ value, context }: LifecycleSnapshot, step = 1): string {
  const percentage = Math.floor(context.percentage / step);
  return [String(value), percentage, context.transport, context.retrying?.attempt ?? 0, context.status].join('|');
}
