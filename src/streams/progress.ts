import { distinctUntilChanged, type MonoTypeOperatorFunction } from 'rxjs';
import type { Backup, BackupStatus, BackupStreamedProgress } from '../models/index.js';
import { STREAM_DEFAULTS } from './options.js';
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

// INITIALIZED and IN-PROGRESS both read "running": the switch between them at 0 % is no
// change a UI shows, and passing it cost one machine event and one render per operation.
const phase = (status: string): string => (status === 'INITIALIZED' ? 'IN-PROGRESS' : status);

/**
 * Drops observations a UI would not show differently: same status (INITIALIZED counts as
 * IN-PROGRESS) and same whole percentage as the one before. A change of operation or of transport (a fallback to
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
      phase(previous.status) === phase(current.status) &&
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
  /** The first observation of this run (or since the percentage went back): where the window starts. */
  from: { at: number; percentage: number };
  /** Smoothed progress rate in percent per ms; null until the window is wide enough. */
  percentPerMs: number | null;
}

/** When an ETA is given and how it is smoothed; defaults in `STREAM_DEFAULTS`. */
export interface EtaOptions {
  /** No ETA until the samples span this long, ms. */
  minSpanMs?: number;
  /** ... and this many percentage points. */
  minSpanPercent?: number;
  /** Time constant of the smoothed rate, ms. */
  smoothingMs?: number;
  /** Shortest span a rate is measured over, ms: closer frames keep the sample it is measured from. */
  rateStepMs?: number;
}

const etaLeft = (percentage: number, rate: number, elapsed = 0): number =>
  Math.max(0, Math.round((100 - percentage) / rate - elapsed));

/**
 * Folds one observation into the rate and estimates the time left (ms) from it, or null
 * while no rate is known. The first rate is the average over a window of at least
 * `minSpanMs` and `minSpanPercent` (so attaching to a running operation does not show a
 * rate from two frames milliseconds apart); later ones are measured over at least
 * `rateStepMs` and smoothed by elapsed time, so a burst of frames does not move the rate and
 * a long gap moves it more. A percentage that did not move keeps
 * the old sample, so the next rate spans the whole pause and the estimate counts down
 * meanwhile.
 *
 * @example
 * ```ts
 * let sample: RateSample | null = null;
 * ({ sample } = estimateEta(sample, 0, 10));
 * const { eta } = estimateEta(sample, 1_000, 20); // 10 %/s over 1 s -> eta 8_000
 * ```
 */
export function estimateEta(
  previous: RateSample | null,
  at: number,
  percentage: number,
  options: EtaOptions = {},
): { sample: RateSample; eta: number | null } {
  const {
    minSpanMs = STREAM_DEFAULTS.etaMinSpanMs,
    minSpanPercent = STREAM_DEFAULTS.etaMinSpanPercent,
    smoothingMs = STREAM_DEFAULTS.etaSmoothingMs,
    rateStepMs = STREAM_DEFAULTS.etaRateStepMs,
  } = options;
  if (percentage >= 100) {
    const from = previous?.from ?? { at, percentage: 100 };
    return { sample: { at, percentage: 100, from, percentPerMs: previous?.percentPerMs ?? null }, eta: 0 };
  }
  if (!previous || percentage < previous.percentage) {
    return { sample: { at, percentage, from: { at, percentage }, percentPerMs: null }, eta: null };
  }
  const rate = previous.percentPerMs;
  if (percentage === previous.percentage || at <= previous.at) {
    return { sample: previous, eta: rate ? etaLeft(percentage, rate, at - previous.at) : null };
  }
  // note: a sample persisted before `from` existed starts its window at itself
  const from = previous.from ?? { at: previous.at, percentage: previous.percentage };
  if (rate === null) {
    const wide = at - from.at >= minSpanMs && percentage - from.percentage >= minSpanPercent;
    const average = wide ? (percentage - from.percentage) / (at - from.at) : null;
    return { sample: { at, percentage, from, percentPerMs: average }, eta: average ? etaLeft(percentage, average) : null };
  }
  const elapsed = at - previous.at;
  // too close to measure a rate over (a burst): the new percentage, the same rate
  if (elapsed < rateStepMs) return { sample: previous, eta: etaLeft(percentage, rate) };
  const instant = (percentage - previous.percentage) / elapsed;
  const weight = smoothingMs > 0 ? 1 - Math.exp(-elapsed / smoothingMs) : 1;
  const smoothed = rate + (instant - rate) * weight;
  return { sample: { at, percentage, from, percentPerMs: smoothed }, eta: etaLeft(percentage, smoothed) };
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
