import { cancelMoments, runCancelSweep, type CancelSweepPlan } from './cancel-sweep.js';
import type { ProbeResult, Scale } from './probe.js';

/** Each moment runs once per transport: 83 x 3 = 249 runs in the full sweep. */
export function cancelCreatePlan(scale: Scale): CancelSweepPlan {
  const durationMs = 800;
  const full = scale === 'full';
  return {
    lifecycle: 'backup',
    durationMs,
    moments: full
      ? cancelMoments({ immediate: 4, stepPercent: 4, at99: 4, random: 50, durationMs, seed: 12 })
      : cancelMoments({ immediate: 1, stepPercent: 50, at99: 1, random: 1, durationMs, seed: 12 }),
    concurrency: full ? 6 : 4,
    goalRuns: full ? 200 : 12,
  };
}

/**
 * Cancel sweep during creation: `cancelled` leaves no new backup listed and the database
 * unchanged; `done` lists exactly one new backup, and it restores.
 */
export function cancelCreate(scale: Scale): Promise<ProbeResult> {
  return runCancelSweep('cancel-create', 'Cancel sweep during creation (every step, 99 %, random; 3 transports)', cancelCreatePlan(scale));
}
