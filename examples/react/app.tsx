import { useEffect, useId, useRef, useState, type ReactNode, type RefObject } from 'react';
import { SCHEDULE_TEXTS, scheduleText, type Backup, type RetentionPlan } from 'pieces-backup';

type RetentionEntry = RetentionPlan['entries'][number];
import { useBackupCore, useBackups, useLifecycle, useOperations, useRetention, useSchedule } from 'pieces-backup/react';
import { watchAssetCount } from '../shared/asset-count.js';
import { backupDate, backupTime, deleteLabel, restoreLabel } from '../shared/labels.js';
import { retentionPolicyText, type PagePolicy } from '../shared/policy-query.js';
import { ACTIVE, NOUN, canCancel, formatBytes, formatEta, listAction, mine, reconnectingText, statusText, type Kind, type Snapshot } from '../shared/format.js';

/** What to tell the user when a lifecycle failed or is reconnecting; null when all is well. */
function Notice({ snapshot }: { snapshot: Snapshot }) {
  const { retrying, error } = snapshot.context;
  if (retrying) {
    return <p className="notice notice-info" role="status">{reconnectingText(snapshot)}</p>;
  }
  if (snapshot.value !== 'failed' || !error) return null;
  if (error.outcomeUnknown) {
    return (
      <p className="notice notice-warn" role="alert">
        Pieces OS may have finished this, or may still be working on it. Retry checks with Pieces OS before starting anything
        again. <small>{error.message}</small>
      </p>
    );
  }
  return (
    <p className="notice notice-error" role="alert">
      <strong>{error.userAction}</strong> <small>{error.status ? `${error.status}: ` : ''}{error.body ?? error.message}</small>
    </p>
  );
}

function Progress({ kind, snapshot }: { kind: Kind; snapshot: Snapshot }) {
  const { value, context } = snapshot;
  if (!ACTIVE.includes(value) && value !== 'done') return null;
  const percentage = Math.floor(context.percentage);
  return (
    <div className="progress-row">
      <progress max={100} value={context.percentage} aria-label={`${NOUN[kind]} progress`} />
      <span className="percentage">{percentage}%</span>
      <span className="eta">{ACTIVE.includes(value) ? formatEta(context.eta) : ''}</span>
    </div>
  );
}

/** Where focus goes when a dialog closes: its opener while it can take focus, else `fallback`. */
function focusBack(opener: HTMLElement | null, fallback: HTMLElement | null): void {
  const usable = opener?.isConnected && !(opener as HTMLButtonElement).disabled;
  (usable ? opener : fallback)?.focus();
}

/**
 * A confirmation as a modal alert dialog (WAI-ARIA): focus moves to the safe choice when it
 * opens, Escape dismisses it, and `onClosed` puts focus back where the user was.
 */
function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirm: string;
  dismiss: string;
  onConfirm(): void;
  onDismiss(): void;
  onClosed(): void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const safe = useRef<HTMLButtonElement>(null);
  const title = useId();
  const text = useId();
  const closed = useRef(props.onClosed);
  closed.current = props.onClosed;
  useEffect(() => {
    const element = dialog.current!;
    if (!element.open) element.showModal();
    safe.current?.focus();
    return () => {
      if (element.open) element.close();
      closed.current();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      role="alertdialog"
      aria-labelledby={title}
      aria-describedby={text}
      onCancel={(event) => {
        // Escape: the same as the safe button, so the state (not the browser) closes it
        event.preventDefault();
        props.onDismiss();
      }}
    >
      <h3 id={title}>{props.title}</h3>
      <p id={text}>{props.children}</p>
      <button className="danger" onClick={props.onConfirm}>{props.confirm}</button>
      <button ref={safe} onClick={props.onDismiss}>{props.dismiss}</button>
    </dialog>
  );
}

function LifecycleCard({ kind, opener }: { kind: Kind; opener: RefObject<HTMLElement | null> }) {
  const core = useBackupCore();
  // note: kind is fixed per card, so this is always the same hook call
  const snapshot: Snapshot = kind === 'backup' ? useLifecycle('creation') : useLifecycle('restoration');
  const section = useRef<HTMLElement>(null);
  const lifecycle = core[kind];
  const { value, context } = snapshot;
  // the date in the user's locale and time zone (the core's headline has the daemon's GMT words)
  const status = value === 'confirming' && context.backup ? `Restore the backup of ${backupDate(context.backup)}?` : statusText(kind, snapshot);
  return (
    <section className="card" data-lifecycle={kind} ref={section} tabIndex={-1} aria-labelledby={`${kind}-title`}>
      <header className="card-header">
        <h2 id={`${kind}-title`}>{NOUN[kind]}</h2>
        {kind === 'backup' && (
          <button className="primary" onClick={() => core.backup.start()} disabled={ACTIVE.includes(value)}>
            Create backup
          </button>
        )}
      </header>
      <p className="status" role="status">{status}</p>
      <Progress kind={kind} snapshot={snapshot} />
      {value === 'confirming' && (
        <ConfirmDialog
          title={status}
          confirm="Restore"
          dismiss="Keep my data"
          onConfirm={() => core.restore.confirm()}
          onDismiss={() => core.restore.dismiss()}
          onClosed={() => focusBack(opener.current, section.current)}
        >
          Restoring replaces the local database with this backup. Nothing is synced back. Continue?
        </ConfirmDialog>
      )}
      <Notice snapshot={snapshot} />
      <div className="actions">
        {canCancel(kind, snapshot) && <button onClick={() => lifecycle.cancel()}>Cancel</button>}
        {value === 'failed' && <button onClick={() => lifecycle.retry()}>Retry</button>}
      </div>
    </section>
  );
}

function BackupsList({ opener }: { opener: RefObject<HTMLElement | null> }) {
  const core = useBackupCore();
  const { backups, status, error, deleting, deleteError } = useBackups();
  const restoreBusy = useLifecycle('restoration', (s) => ACTIVE.includes(s.value) || s.value === 'confirming');
  const [toDelete, setToDelete] = useState<Backup | null>(null);
  const [said, setSaid] = useState('');
  const section = useRef<HTMLElement>(null);
  const deleteOpener = useRef<HTMLElement | null>(null);
  const confirmed = useRef(false);
  const failed = deleteError && backups.find((backup) => backup.id === deleteError.backupId);
  return (
    <section className="card" ref={section} tabIndex={-1} aria-labelledby="backups-title">
      <header className="card-header">
        <h2 id="backups-title">Backups</h2>
        <button onClick={() => core.backups.refresh()}>Refresh</button>
      </header>
      {error && (
        <p className="notice notice-error" role="alert">
          <strong>{listAction(error)}</strong> Then press Refresh. <small>{error.message}</small>
        </p>
      )}
      {deleteError && (
        <p className="notice notice-error" role="alert">
          <strong>{failed ? `The backup of ${backupDate(failed)} was not deleted.` : 'The backup was not deleted.'}</strong>{' '}
          <small>{deleteError.error.message}</small>
        </p>
      )}
      <p className="visually-hidden" role="status">{said}</p>
      {backups.length === 0 ? (
        status !== 'error' && <p className="muted">{status === 'pending' ? 'Loading backups…' : 'No backups yet.'}</p>
      ) : (
        <table className="backups">
          <thead>
            <tr><th>Created</th><th>Device</th><th>Size</th><th><span className="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {backups.map((backup: Backup) => (
              <tr key={backup.id} data-id={backup.id}>
                <td><time dateTime={new Date(backupTime(backup)).toISOString()}>{backupDate(backup)}</time></td>
                <td>{backup.device_name}</td>
                <td>{formatBytes(backup.bytes)}</td>
                <td className="right row-actions">
                  <button
                    aria-label={restoreLabel(backup)}
                    onClick={(event) => {
                      opener.current = event.currentTarget;
                      core.restore.restore(backup.id, { backup });
                    }}
                    disabled={restoreBusy}
                  >
                    Restore
                  </button>
                  <button
                    aria-label={deleteLabel(backup)}
                    onClick={(event) => {
                      deleteOpener.current = event.currentTarget;
                      confirmed.current = false;
                      setToDelete(backup);
                    }}
                    disabled={deleting.includes(backup.id)}
                  >
                    {deleting.includes(backup.id) ? 'Deleting…' : 'Delete'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {toDelete && (
        <ConfirmDialog
          title={`Delete the backup of ${backupDate(toDelete)}?`}
          confirm="Delete"
          dismiss="Keep it"
          onConfirm={() => {
            confirmed.current = true;
            setToDelete(null);
            setSaid('');
            void core.backups.delete(toDelete.id).then(() => {
              const { deleteError: failure } = core.backups.getSnapshot();
              setSaid(failure?.backupId === toDelete.id ? '' : `The backup of ${backupDate(toDelete)} was deleted.`);
            });
          }}
          onDismiss={() => setToDelete(null)}
          // the row goes away once deleted: focus the list then, else the button that asked
          onClosed={() => focusBack(confirmed.current ? null : deleteOpener.current, section.current)}
        >
          It is removed from Pieces OS's cloud storage for good. Your local database is not changed.
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Operations running on the daemon that this page did not start (another tab, the CLI, a reload). */
function Operations() {
  const { creations, restorations } = useOperations();
  const ours = [useLifecycle('creation', mine), useLifecycle('restoration', mine)];
  const running = [...creations, ...restorations].filter((operation) => !ours.includes(operation.backupId));
  if (running.length === 0) return null;
  return (
    <section className="card">
      <h2>Started elsewhere</h2>
      <ul className="operations">
        {running.map((operation) => (
          <li key={`${operation.kind}-${operation.backupId}`}>
            {operation.kind === 'creation' ? 'Backup' : 'Restore'} <code>{operation.backupId}</code>: {Math.floor(operation.percentage ?? 0)}%
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Now, every `ms`: the schedule's "2 h ago" and "next in 4 h" are measured from it. */
function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

const newestBackup = ({ backups }: { backups: readonly Backup[] }): Backup | undefined =>
  backups.reduce<Backup | undefined>((newest, backup) => (!newest || backupTime(backup) > backupTime(newest) ? backup : newest), undefined);

/** "Last backup 2 h ago · next in 4 h", the schedule's state, pause and resume. */
function SchedulePanel() {
  const core = useBackupCore();
  const view = useSchedule();
  const newest = useBackups(newestBackup);
  const now = useNow();
  const text = scheduleText(view, { now });
  // without a schedule the core knows no device: the list's newest backup is the last one
  const summary =
    !view.configured && newest
      ? `${SCHEDULE_TEXTS.lastBackup(SCHEDULE_TEXTS.span(now - backupTime(newest)))}${SCHEDULE_TEXTS.separator}${text.state}`
      : text.summary;
  const paused = view.phase === 'paused' || view.phase === 'stopped';
  return (
    <section className="card" data-panel="schedule" aria-labelledby="schedule-title">
      <header className="card-header">
        <h2 id="schedule-title">Schedule</h2>
        {view.configured && (paused ? (
          <button onClick={() => core.schedule.resume()}>Resume</button>
        ) : (
          <button onClick={() => core.schedule.pause()} disabled={view.phase === 'disposed'}>Pause</button>
        ))}
      </header>
      <p className="schedule-summary" data-testid="schedule-summary">{summary}</p>
      {/* the state changes seldom: said politely; the summary's ages tick and are not */}
      <p className="schedule-state muted" role="status">
        {view.configured ? `${view.label}: ${text.state}` : 'No schedule: add ?every=6h or ?dailyAt=02:30 to the address.'}
      </p>
      {text.stale && <p className="notice notice-warn">{text.stale}</p>}
      {view.stoppedBy && (
        <p className="notice notice-error" role="alert">
          <strong>{view.stoppedBy.userAction}</strong> <small>{view.stoppedBy.message}</small>
        </p>
      )}
      {view.history.length > 0 && (
        <ul className="operations" aria-label="Recent scheduled runs">
          {view.history.slice(0, 5).map((run) => (
            <li key={`${run.startedAt}-${run.kind}`}>
              {new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(run.startedAt)}: {run.kind} backup {run.end}
              {run.error ? ` (${run.error.message})` : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The "why" of a removal: no rule of the policy keeps it. */
const NO_RULE = 'no rule keeps it';

/** The retention preview: each backup kept or removed, and why; "Prune now" after a confirmation. */
function RetentionPanel({ policy }: { policy: PagePolicy }) {
  const core = useBackupCore();
  const view = useRetention();
  const [asking, setAsking] = useState(false);
  const [said, setSaid] = useState('');
  const opener = useRef<HTMLButtonElement>(null);
  const section = useRef<HTMLElement>(null);
  const removals: RetentionEntry[] = view.plan?.remove ?? [];
  const prune = () => {
    setAsking(false);
    setSaid('Pruning…');
    core.retention.prune().then(
      ({ deleted, skipped, failed }) =>
        setSaid(`Pruned: ${deleted} removed${skipped ? `, ${skipped} skipped` : ''}${failed ? `, ${failed} failed` : ''}.`),
      (error: Error) => setSaid(`Prune failed: ${error.message}`),
    );
  };
  return (
    <section className="card" data-panel="retention" ref={section} tabIndex={-1} aria-labelledby="retention-title">
      <header className="card-header">
        <h2 id="retention-title">Retention</h2>
        <button ref={opener} onClick={() => setAsking(true)} disabled={view.pruning || removals.length === 0}>
          Prune now
        </button>
      </header>
      <p className="policy muted">
        Keeping {view.policy ? retentionPolicyText(view.policy) : 'everything'}
        {policy.defaultRetention && ' (the default: set ?keepLast=3&keepDaily=7 in the address)'}. Never the newest backup, nor one being restored.
      </p>
      <p role="status">{said}</p>
      {view.error && (
        <p className="notice notice-error" role="alert">
          <strong>{view.error.userAction}</strong> <small>{view.error.message}</small>
        </p>
      )}
      {view.plan && view.plan.entries.length > 0 ? (
        <table className="retention">
          <caption className="visually-hidden">What a prune keeps and removes, and why</caption>
          <thead>
            <tr><th>Created</th><th>Device</th><th>Decision</th><th>Why</th></tr>
          </thead>
          <tbody>
            {view.plan.entries.map((entry) => (
              <tr key={entry.id} data-id={entry.id} data-action={entry.action}>
                <td><time dateTime={new Date(backupTime(entry.backup)).toISOString()}>{backupDate(entry.backup)}</time></td>
                <td>{entry.backup.device_name}</td>
                <td className={entry.action}>{entry.action === 'keep' ? 'Keep' : 'Remove'}</td>
                <td>{entry.action === 'keep' ? entry.reasons.join(', ') : NO_RULE}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Nothing to preview yet.</p>
      )}
      {view.plan?.warnings.map((warning) => <p className="notice notice-warn" key={warning}>{warning}</p>)}
      {asking && (
        <ConfirmDialog
          title={`Remove ${removals.length} ${removals.length === 1 ? 'backup' : 'backups'}?`}
          confirm="Prune"
          dismiss="Keep them"
          onConfirm={prune}
          onDismiss={() => setAsking(false)}
          onClosed={() => focusBack(opener.current, section.current)}
        >
          {`These are deleted from Pieces OS for good: ${removals.map((entry) => backupDate(entry.backup)).join('; ')}.`}
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The local database's asset count (examples/shared/asset-count.ts), stopped with the effect. */
function useAssetCount(daemonUrl: string): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => watchAssetCount(daemonUrl, setCount), [daemonUrl]);
  return count;
}

export function App({ daemonUrl, policy, policyError }: { daemonUrl: string; policy: PagePolicy; policyError: string | null }) {
  const assets = useAssetCount(daemonUrl);
  // the row button that opened the restore confirmation: focus goes back to it
  const restoreOpener = useRef<HTMLElement | null>(null);
  return (
    <main>
      <header className="page-header">
        <h1>Pieces backups</h1>
        <p className="muted">
          Pieces OS at <code>{daemonUrl}</code>
          {assets !== null && <span className="assets"> · local database: <strong data-testid="asset-count">{assets}</strong> assets</span>}
        </p>
      </header>
      {policyError && (
        <p className="notice notice-error" role="alert">
          <strong>The schedule or retention policy in the address is not valid, so none runs.</strong> <small>{policyError}</small>
        </p>
      )}
      <Operations />
      <div className="grid">
        <LifecycleCard kind="backup" opener={restoreOpener} />
        <LifecycleCard kind="restore" opener={restoreOpener} />
      </div>
      <div className="grid">
        <SchedulePanel />
        <RetentionPanel policy={policy} />
      </div>
      {/* the list stays the last card (the browser tests read it there) */}
      <BackupsList opener={restoreOpener} />
    </main>
  );
}
