import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { LIFECYCLE_TEXTS, lifecycleText, SETTLED_STATES, toLifecycleError, type LifecycleState } from '../../src/core/index.js';
import { backupMachine, restoreMachine, type BackupContext } from '../../machines/index.js';
import { UpdateRequiredError } from '../../src/api/index.js';

// The one text model of a lifecycle: a pure function of a snapshot, English by default.

const backupIn = (value: string, context: Partial<BackupContext> = {}) =>
  backupMachine.resolveState({ value, context: { ...createActor(backupMachine).getSnapshot().context, ...context } });

describe('lifecycleText', () => {
  it('says each state of both charts in words, and flags what a face shows', () => {
    const running = lifecycleText('creation', backupIn('running', { percentage: 42.7, eta: 7_000, transport: 'websocket', startedAt: 1_000 }), { now: 4_000 });
    expect(running).toMatchObject({
      state: 'running',
      noun: 'Backup',
      stateText: 'running',
      headline: 'Backup running',
      percentage: '42%',
      eta: 'about 7 s left',
      remaining: '0:07',
      elapsed: '0:03',
      transport: 'websocket',
      error: null,
      userAction: null,
      busy: true,
      settled: false,
      canCancel: true,
      canRetry: false,
    });
    expect(lifecycleText('creation', backupIn('running', { attached: true })).headline).toBe('Backup running (started elsewhere)');
    expect(lifecycleText('creation', backupIn('idle'))).toMatchObject({ headline: 'No backup running.', remaining: '--:--', transport: '-', busy: false });
    expect(lifecycleText('creation', backupIn('done', { percentage: 100 }))).toMatchObject({ headline: 'Backup complete.', remaining: '0:00', eta: '', settled: true });
    const confirming = restoreMachine.resolveState({
      value: 'confirming',
      context: { ...createActor(restoreMachine).getSnapshot().context, backupId: '9.0.0_1' },
    });
    expect(lifecycleText('restoration', confirming).headline).toBe('Restore the backup of 9.0.0_1?');
  });

  it('in failed: the error, the daemon\'s words and what to do; "outcome unknown" is not "failed"', () => {
    const error = toLifecycleError(new UpdateRequiredError({ method: 'POST', url: 'http://x/backups/create', status: 505, body: 'too old' } as never), false);
    const failed = lifecycleText('creation', backupIn('failed', { error }));
    expect(failed).toMatchObject({ headline: 'Backup failed.', userAction: error.userAction, canRetry: true, settled: true });
    expect(failed.error).toBe(error.message);
    const unknown = lifecycleText('creation', backupIn('failed', { error: { ...error, outcomeUnknown: true } }));
    expect(unknown.headline).toBe('Backup: the outcome is unknown.');
  });

  it('says "reconnecting" while status reads are retried', () => {
    const retrying = { attempt: 2, nextAttemptAt: 0, error: toLifecycleError(new Error('x'), true) };
    const text = lifecycleText('restoration', backupIn('running', { retrying }));
    expect(text.stateText).toBe('reconnecting… (attempt 2)');
    expect(text.reconnecting).toBe('Reconnecting to Pieces OS… (attempt 2)');
  });

  it('takes an app\'s words for any part of the table, the rest staying English', () => {
    const texts = { noun: { creation: 'Sicherung' }, headlines: { running: ({ noun }: { noun: string }) => `${noun} läuft` } };
    const text = lifecycleText('creation', backupIn('running'), { texts });
    expect(text.headline).toBe('Sicherung läuft');
    expect(lifecycleText('creation', backupIn('done'), { texts }).headline).toBe('Sicherung complete.');
    expect(lifecycleText('restoration', backupIn('cancelled'), { texts }).headline).toBe('Restore cancelled.');
    expect(LIFECYCLE_TEXTS.noun.creation).toBe('Backup');
  });

  it('has a word and a headline for every state, settled ones included', () => {
    const states = Object.keys(LIFECYCLE_TEXTS.states) as LifecycleState[];
    expect(Object.keys(LIFECYCLE_TEXTS.headlines).sort()).toEqual([...states].sort());
    for (const state of SETTLED_STATES) expect(states).toContain(state);
  });
});
