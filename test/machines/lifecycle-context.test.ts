import { describe, expect, it } from 'vitest';
import { applyProgress, initialLifecycleContext, shouldReattach } from '../../machines/lifecycle-context.js';
import type { OperationProgress } from '../../src/streams/index.js';

const progress = (status: string, percentage: number | null, at: number, transport: OperationProgress['transport'] = 'websocket'): OperationProgress => ({
  kind: 'creation',
  backupId: 'b',
  status,
  percentage,
  transport,
  at,
});

describe('lifecycle context', () => {
  it('never lets the percentage go backwards, keeps it on null, and follows the transport', () => {
    let context = initialLifecycleContext();
    context = { ...context, ...applyProgress(context, progress('IN-PROGRESS', 40, 0)) };
    context = { ...context, ...applyProgress(context, progress('IN-PROGRESS', 30, 100, 'polling')) };
    expect(context).toMatchObject({ percentage: 40, transport: 'polling', backupId: 'b' });
    context = { ...context, ...applyProgress(context, progress('IN-PROGRESS', null, 200)) };
    expect(context.percentage).toBe(40);
    context = { ...context, ...applyProgress(context, progress('COMPLETED', null, 300)) };
    expect(context).toMatchObject({ percentage: 100, eta: null, status: 'COMPLETED' });
  });

  it('clamps what a server reports to 0-100', () => {
    const context = initialLifecycleContext();
    expect(applyProgress(context, progress('IN-PROGRESS', 250, 0)).percentage).toBe(100);
    expect(applyProgress(context, progress('IN-PROGRESS', -5, 0)).percentage).toBe(0);
  });

  it('re-attaches on RETRY only when it lost track of a running operation, or could not attach', () => {
    const base = { ...initialLifecycleContext(), backupId: 'b' };
    expect(shouldReattach({ ...base, status: 'IN-PROGRESS' })).toBe(true);
    expect(shouldReattach({ ...base, status: 'FAILED', attached: true })).toBe(false);
    expect(shouldReattach({ ...base, status: null, attached: true })).toBe(true);
    expect(shouldReattach({ ...base, status: null })).toBe(false);
    expect(shouldReattach({ ...initialLifecycleContext(), status: 'IN-PROGRESS' })).toBe(false);
  });
});
