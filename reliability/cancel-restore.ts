import { cancelMoments, runCancelSweep, type CancelSweepPlan } from './cancel-sweep.js';
import type { ProbeResult, Scale } from './probe.js';

/** Each moment runs once per transport: 200 x 3 = 600 runs in the full sweep. */
export function cancelRestorePlan(scale: Scale): CancelSweepPlan {
  const durationMs = 800;
  const full = scale === 'full';
  return {
    lifecycle: 'restore',
    durationMs,
    moments: full
      ? cancelMoments({ immediate: 10, stepPercent: 2, at99: 10, random: 130, durationMs, seed: 11 })
      : cancelMoments({ immediate: 1, stepPercent: 50, at99: 1, random: 1, durationMs, seed: 11 }),
    concurrency: full ? 6 : 4,
    goalRuns: full ? 500 : 12,
  };
}

/**
 * Cancel sweep during restore: a CANCEL right after RESTORE, at every 2 % step, at 99 % and at
 * random moments, over WebSocket, NDJSON and polling. Ends `cancelled` with the database
 * byte-identical and intact, or `done` marked too late with the backup's assets; never
 * `failed`, never a hang, no staging file left.
 */
export function cancelRestore(scale: Scale): Promise<ProbeResult> {
  return runCancelSweep('cancel-restore', 'Cancel sweep during restore (every step, 99 %, random; 3 transports)', cancelRestorePlan(scale));
}
