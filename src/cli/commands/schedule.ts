import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBackupCore, isBusyState, scheduleText, type RetentionPolicy, type RunRecord, type ScheduleOptions, type ScheduleStorage, type StoredSchedule } from '../../core/index.js';
import { createFileLock } from '../../core/policy/runner-lock-file.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { formatLocalTime } from '../output/format.js';
import { resultData, resultLine } from './prune.js';

export interface ScheduleCommandOptions {
  schedule: Pick<ScheduleOptions, 'every' | 'dailyAt' | 'jitter' | 'deviceName'>;
  retention: RetentionPolicy | null;
  /** Default `$XDG_STATE_HOME/pieces-backup/schedule.json` (`~/.local/state/...`). */
  stateFile: string | undefined;
}

/** Where the service keeps its state and its lock, when `--state-file` is not given. */
export function defaultStateDir(): string {
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'pieces-backup');
}

/** The schedule's state as a JSON file, replaced atomically (a crash mid-write leaves the old one). */
function fileStorage(file: string): ScheduleStorage {
  return {
    load() {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as StoredSchedule;
      } catch {
        return null; // none yet, or unreadable: start afresh (the daemon's list says what is done)
      }
    },
    save(state) {
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(temporary, file);
    },
  };
}

const runLine = (run: RunRecord) =>
  `${formatLocalTime(run.endedAt)}  ${run.kind} backup ${run.end}${run.backupId ? `: ${run.backupId}` : ''}${run.error ? `: ${run.error.name}: ${run.error.message}` : ''}`;

/**
 * `pieces-backup schedule`: a foreground service that backs up on the schedule until SIGINT or
 * SIGTERM, pruning after each backup when retention flags are given. It prints each run and the
 * next due time. Two services sharing a state directory make one backup per period (the file
 * lock there, then the daemon's list). A signal stops the service and never cancels a backup:
 * one running on Pieces OS goes on (exit 130, the CLI's "left running"); else exit 0.
 */
export async function schedule(context: CommandContext, options: ScheduleCommandOptions): Promise<CommandResult> {
  const client = await context.connect();
  const stateFile = options.stateFile ?? join(defaultStateDir(), 'schedule.json');
  const json = context.mode === 'json';
  const say = (line: string, event: Record<string, unknown>) =>
    process.stdout.write(json ? `${JSON.stringify({ type: 'schedule', ...event })}\n` : `${line}\n`);

  // for tests only (docs/policy.md): how soon a runner that found the lock held looks again
  const recheckMs = Number(process.env.PIECES_BACKUP_TEST_RECHECK_MS) || undefined;
  const core = createBackupCore(client, {
    transport: context.options.transport,
    schedule: {
      ...options.schedule,
      ...(recheckMs !== undefined && { recheckMs }),
      storage: fileStorage(stateFile),
      // beside the state file: services sharing it share the lock
      lock: createFileLock({ dir: dirname(stateFile) }),
    },
    ...(options.retention && { retention: options.retention }),
  });

  let seenRuns = 0;
  let lastLine = '';
  let lastReport = core.retention.getSnapshot().lastReport;
  const stops = [
    // observing the operations runs discovery: a backup or restore started elsewhere is waited for
    core.operations.subscribe(() => undefined),
    core.schedule.subscribe(() => {
      const view = core.schedule.getSnapshot();
      const fresh = view.history.slice(0, view.history.length - seenRuns).reverse();
      seenRuns = view.history.length;
      for (const run of fresh) say(runLine(run), { event: 'run', run });
      const text = scheduleText(view);
      const next = view.nextDueAt === null ? text.state : `${text.state}; next backup ${formatLocalTime(view.nextDueAt)} (${text.nextRun})`;
      const line = view.phase === 'running' ? `${formatLocalTime(Date.now())}  backing up…` : next;
      if (line !== lastLine) {
        lastLine = line;
        say(line, { event: 'state', phase: view.phase, ...(view.waitingFor && { waitingFor: view.waitingFor }), nextDueAt: view.nextDueAt, ...(view.stoppedBy && { stoppedBy: view.stoppedBy }) });
      }
    }),
    core.retention.subscribe(() => {
      const report = core.retention.getSnapshot().lastReport;
      if (!report || report === lastReport) return;
      lastReport = report;
      for (const result of report.results) say(`  prune: ${resultLine(result)}`, { event: 'prune-result', result: resultData(result) });
      say(`  prune: ${report.deleted} deleted, ${report.skipped} skipped, ${report.failed} failed`, { event: 'prune', deleted: report.deleted, skipped: report.skipped, failed: report.failed });
    }),
  ];
  const { label } = core.schedule.getSnapshot();
  say(`${label}${options.retention ? ', pruning after each backup' : ''}; state in ${stateFile}; Ctrl-C to stop`, { event: 'start', label, stateFile });
  core.schedule.start();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM'] as const) process.once(name, () => resolve(name));
  });
  const running = isBusyState(core.backup.getSnapshot().value);
  for (const stop of stops) stop();
  core.dispose(); // stops local work; a backup on Pieces OS runs on
  const history = core.schedule.getSnapshot().history;
  if (running) {
    return {
      exitCode: EXIT_CODES.leftRunning,
      problems: [`stopped by ${signal}; the backup ${core.backup.getSnapshot().context.backupId ?? ''} runs on in Pieces OS (the next start sees it)`],
      data: { outcome: 'stopped', signal, leftRunning: true, runs: history },
    };
  }
  return { exitCode: EXIT_CODES.ok, lines: [`stopped by ${signal}`], data: { outcome: 'stopped', signal, leftRunning: false, runs: history } };
}
