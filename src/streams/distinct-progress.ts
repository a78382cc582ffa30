import { distinctUntilChanged, type MonoTypeOperatorFunction } from 'rxjs';
import type { OperationProgress } from './types.js';

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
