import { distinctUntilChanged, type MonoTypeOperatorFunction } from 'rxjs';
import type { Backup, BackupStatus, BackupStreamedProgress } from '../models/index.js';
import type { OperationKind, OperationProgress, ProgressTransport } from './types.js';

/** A polled status as an observation of the operation `backupId`. */
export function progressFromStatus(
  kind: OperationKind,
  backupId: string,
  status: BackupStatus,
  at: number,
): OperationProgress {
  return {
    kind,
    backupId,
    backup: status.backup,
    status: status.value ?? 'UNKNOWN',
    percentage: typeof status.percentage === 'number' ? status.percentage : null,
    transport: 'polling',
    at,
  };
}

/**
 * A streamed frame as an observation. Fields a frame leaves out keep their previous value
 * (a frame may carry only a percentage), the id comes from the frame or from what is known.
 */
export function progressFromFrame(
  kind: OperationKind,
  frame: BackupStreamedProgress,
  known: { backupId: string; backup?: Backup; previous?: OperationProgress },
  transport: ProgressTransport,
  at: number,
): OperationProgress {
  const backup = frame.backup ?? known.previous?.backup ?? known.backup;
  return {
    kind,
    backupId: known.backupId,
    ...(backup && { backup }),
    status: frame.status ?? known.previous?.status ?? 'UNKNOWN',
    percentage:
      typeof frame.percentage === 'number'
        ? frame.percentage
        : frame.percentage === null
          ? null
          : (known.previous?.percentage ?? null),
    transport,
    at,
  };
}

const whole = (percentage: number | null): number | null =>
  percentage === null ? null : Math.floor(percentage);

/**
 * Drops observations a UI would not show differently: same status and same whole
 * percentage as the one before. A change of operation or of transport (a fallback to
 * polling, a switch back to the socket) always passes, so consumers see it.
 *
 * @example
 * ```ts
 * frames$.pipe(distinctProgress()).subscribe((p) => render(p.status, p.percentage));
 * ```
 */
export function distinctProgress(): MonoTypeOperatorFunction<OperationProgress> {
  return distinctUntilChanged(
    (previous, current) =>
      previous.status === current.status &&
      whole(previous.percentage) === whole(current.percentage) &&
      previous.transport === current.transport &&
      previous.backupId === current.backupId &&
      previous.kind === current.kind,
  );
}

/** The last observation behind an estimate: plain data, so it lives in machine context. */
export interface RateSample {
  /** When `percentage` was first seen (ms, the clock of the observations). */
  at: number;
  percentage: number;
  /** Smoothed progress rate in percent per ms; null until two samples differ. */
  percentPerMs: number | null;
}

// Weight of the newest rate: enough to follow a real change, not every jitter of a tick.
const SMOOTHING = 0.3;

/**
 * Folds one observation into the rate and estimates the time left (ms) from it, or null
 * while no rate is known. A percentage that did not move keeps the old sample, so the next
 * rate spans the whole pause and the estimate counts down meanwhile.
 *
 * @example
 * ```ts
 * let sample: RateSample | null = null;
 * ({ sample } = estimateEta(sample, 0, 10));
 * const { eta } = estimateEta(sample, 1_000, 20); // 10 %/s -> eta 8_000
 * ```
 */
export function estimateEta(
  previous: RateSample | null,
  at: number,
  percentage: number,
): { sample: RateSample; eta: number | null } {
  if (percentage >= 100) {
    return { sample: { at, percentage: 100, percentPerMs: previous?.percentPerMs ?? null }, eta: 0 };
  }
  if (!previous || percentage < previous.percentage) {
    return { sample: { at, percentage, percentPerMs: null }, eta: null };
  }
  if (percentage === previous.percentage || at <= previous.at) {
    const rate = previous.percentPerMs;
    const eta = rate ? Math.max(0, Math.round((100 - percentage) / rate - (at - previous.at))) : null;
    return { sample: previous, eta };
  }
  const instant = (percentage - previous.percentage) / (at - previous.at);
  const rate = previous.percentPerMs === null ? instant : previous.percentPerMs * (1 - SMOOTHING) + instant * SMOOTHING;
  return { sample: { at, percentage, percentPerMs: rate }, eta: Math.round((100 - percentage) / rate) };
}

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/**
 * How long to wait before the next status poll: half the estimated time left (from the same
 * rate as the ETA), so polls come sooner as the end nears, halving the gap each time, and
 * rarely while it is far; `idleIntervalMs` while no rate is known or the last poll saw no
 * progress. Always within [min, max].
 */
export function nextPollDelay(
  eta: number | null,
  bounds: { minIntervalMs: number; maxIntervalMs: number; idleIntervalMs: number },
): number {
  const { minIntervalMs: min, maxIntervalMs: max } = bounds;
  return clamp(eta === null ? bounds.idleIntervalMs : eta / 2, min, max);
}
