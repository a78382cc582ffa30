import { describe, expect, it } from 'vitest';
import { SCHEDULE_TEXTS, retentionText, scheduleText, type ScheduleView } from '../../src/core/index.js';

const H = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const view = (patch: Partial<ScheduleView> = {}): ScheduleView => ({
  configured: true,
  policy: { every: '6h' },
  label: 'every 6h',
  phase: 'idle',
  nextDueAt: NOW + 4 * H,
  deviceName: 'desk-1',
  lastBackup: { backupId: 'b1', at: NOW - 2 * H, ageMs: 2 * H, deviceName: 'desk-1' },
  stale: false,
  staleAfterMs: 12 * H,
  history: [],
  ...patch,
});

describe('scheduleText', () => {
  it('says the last backup and the next run', () => {
    expect(scheduleText(view(), { now: NOW })).toEqual({
      summary: 'Last backup 2 h ago · next in 4 h',
      lastBackup: 'Last backup 2 h ago',
      nextRun: 'next in 4 h',
      state: 'Scheduled',
      stale: null,
    });
  });

  it('says what it waits for, a pause, a stop with the user action, and staleness', () => {
    expect(scheduleText(view({ phase: 'waiting', waitingFor: 'restoration', nextDueAt: NOW }), { now: NOW }).summary).toBe('Last backup 2 h ago · Waiting for a restore to finish');
    expect(scheduleText(view({ phase: 'paused', nextDueAt: null, lastBackup: null }), { now: NOW }).summary).toBe('No backup yet · Paused');
    const stopped = scheduleText(view({ phase: 'stopped', nextDueAt: null, stoppedBy: { name: 'UpdateRequiredError', message: '505', userAction: 'Update Pieces OS, then resume the schedule.' } }), { now: NOW });
    expect(stopped.state).toBe('Stopped: Update Pieces OS, then resume the schedule.');
    const stale = scheduleText(view({ stale: true, lastBackup: { backupId: 'b1', at: NOW - 13 * H, ageMs: 13 * H, deviceName: 'desk-1' } }), { now: NOW });
    expect(stale.stale).toBe('No backup for 13 h');
    expect(scheduleText(view({ nextDueAt: NOW - 1 }), { now: NOW }).nextRun).toBe('next now');
    expect(scheduleText(view({ configured: false, policy: null, nextDueAt: null, lastBackup: null }), { now: NOW }).state).toBe('No schedule');
  });

  it("takes an app's words for any part, the rest stays English", () => {
    const text = scheduleText(view({ phase: 'paused', nextDueAt: null }), { now: NOW, texts: { states: { paused: 'Pausiert' }, lastBackup: (ago) => `Letzte Sicherung vor ${ago}` } });
    expect(text.summary).toBe('Letzte Sicherung vor 2 h · Pausiert');
    expect(SCHEDULE_TEXTS.states.paused).toBe('Paused');
  });
});

describe('retentionText', () => {
  it('lists the reasons of a kept backup, and says remove', () => {
    expect(retentionText({ action: 'keep', reasons: ['last 3', 'daily 2026-12-01'] })).toBe('keep: last 3, daily 2026-12-01');
    expect(retentionText({ action: 'remove', reasons: [] })).toBe('remove');
    expect(retentionText({ action: 'remove', reasons: [] }, { texts: { remove: 'löschen' } })).toBe('löschen');
  });
});
