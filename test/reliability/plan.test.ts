import { describe, expect, it } from 'vitest';
import { cancelCreatePlan } from '../../reliability/cancel-create.js';
import { cancelRestorePlan } from '../../reliability/cancel-restore.js';
import { hostileCases } from '../../reliability/hostile-input.js';
import { faultCases } from '../../reliability/transport-faults.js';
import { TRANSPORTS } from '../faults/sweep.js';

// The full reliability run is the claim (#11): its plan must keep the counts.
// (The runs themselves are `npm run reliability`; their figures are in reliability/results.json.)

describe('the full plan keeps the counts issue #11 asks for', () => {
  it('cancels restores at least 500 times: immediately, at every 2 % step, at 99 %, at random moments, on 3 transports', () => {
    const plan = cancelRestorePlan('full');
    expect(plan.moments.length * TRANSPORTS.length).toBeGreaterThanOrEqual(plan.goalRuns);
    expect(plan.goalRuns).toBeGreaterThanOrEqual(500);
    const percents = plan.moments.flatMap((moment) => (moment.kind === 'percent' ? [moment.percent] : []));
    expect(percents).toContain(99);
    expect(Array.from({ length: 50 }, (_, step) => step * 2).every((percent) => percents.includes(percent))).toBe(true);
    expect(plan.moments.some((moment) => moment.kind === 'immediate')).toBe(true);
    const randoms = plan.moments.flatMap((moment) => (moment.kind === 'random' ? [moment.ms] : []));
    expect(new Set(randoms).size).toBeGreaterThan(50);
    expect(Math.max(...randoms)).toBeLessThanOrEqual(plan.durationMs * 1.1);
  });

  it('cancels creations at least 200 times', () => {
    const plan = cancelCreatePlan('full');
    expect(plan.goalRuns).toBeGreaterThanOrEqual(200);
    expect(plan.moments.length * TRANSPORTS.length).toBeGreaterThanOrEqual(plan.goalRuns);
  });

  it('injects at least 150 transport faults, every in-scope kind on every transport', () => {
    const cases = faultCases(162);
    expect(cases).toHaveLength(162);
    expect(new Set(cases.map((c) => c.transport))).toEqual(new Set(TRANSPORTS));
    expect([...new Set(cases.map((c) => c.fault))].sort()).toEqual(
      ['latency', 'malformed', 'reset', 'reset-after-frames', 'stall-after-first-frame', 'stall-before-first-frame', 'status-400', 'status-404', 'status-500', 'status-503', 'truncate'].sort(),
    );
    // forced status codes only on status and cancel, as the issue says
    expect(cases.filter((c) => c.fault.startsWith('status-') && c.target !== 'status' && c.target !== 'cancel')).toEqual([]);
  });

  it('sends at least 80 hostile requests and WebSocket messages, and the CI slice a few', () => {
    expect(hostileCases('full').length).toBeGreaterThanOrEqual(80);
    const slice = hostileCases('ci').length;
    expect(slice).toBeGreaterThan(5);
    expect(slice).toBeLessThan(hostileCases('full').length / 4);
  });
});
