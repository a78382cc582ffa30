import { createSignal, For, onCleanup, onMount, Show, type Accessor } from 'solid-js';
import { retentionText, scheduleText, type Backup } from 'pieces-backup';
import { useBackupCore, useBackups, useLifecycle, useOperations, useRetention, useSchedule } from 'pieces-backup/solid';
import { watchAssetCount } from '../../shared/asset-count.js';
import { dialogIds, openModal } from '../../shared/dialog.js';
import { ACTIVE, NOUN, canCancel, formatBytes, formatEta, listAction, mine, reconnectingText, type Kind, type Snapshot } from '../../shared/format.js';
import {
  RESTORE_CONFIRMATION,
  backupDate,
  cardStatus,
  deleteConfirmation,
  deleteFailedText,
  deleteLabel,
  progressLabel,
  restoreLabel,
  type Confirmation,
} from '../../shared/labels.js';
import { pauseOrResume, policyLabel, pruneConfirmation, pruneReportText, scheduleSummary, watchClock } from '../../shared/schedule.js';

// The same dashboard as examples/react, in Solid: the same DOM, so the same browser test drives both.

/** What to tell the user when a lifecycle failed or is reconnecting; nothing when all is well. */
function Notice(props: { snapshot: Snapshot }) {
  const retrying = () => props.snapshot.context.retrying;
  const error = () => (props.snapshot.value === 'failed' ? props.snapshot.context.error : null);
  return (
    <Show
      when={retrying()}
      fallback={
        <Show when={error()}>
          {(error) => (
            <Show
              when={!error().outcomeUnknown}
              fallback={
                <p class="notice notice-warn" role="alert">
                  Pieces OS may have finished this, or may still be working on it. Retry checks with Pieces OS before starting
                  anything again. <small>{error().message}</small>
                </p>
              }
            >
              <p class="notice notice-error" role="alert">
                <strong>{error().userAction}</strong> <small>{error().status ? `${error().status}: ` : ''}{error().body ?? error().message}</small>
              </p>
            </Show>
          )}
        </Show>
      }
    >
      <p class="notice notice-info" role="status">{reconnectingText(props.snapshot)}</p>
    </Show>
  );
}

/** A confirmation as WAI-ARIA's dialog pattern (examples/shared/dialog.ts): shown while mounted. */
export function ConfirmDialog(props: Confirmation & { returnTo?: string; onConfirm: () => void; onDismiss: () => void }) {
  let dialog!: HTMLDialogElement;
  const ids = dialogIds();
  onMount(() => onCleanup(openModal(dialog, { onDismiss: () => props.onDismiss(), returnTo: props.returnTo })));
  return (
    <dialog ref={dialog} class="confirm" role="alertdialog" aria-labelledby={ids.title} aria-describedby={ids.text}>
      <h3 id={ids.title}>{props.title}</h3>
      <p id={ids.text}>{props.text}</p>
      <div class="actions">
        <button class="danger" onClick={() => props.onConfirm()}>{props.confirm}</button>
        <button data-initial-focus onClick={() => props.onDismiss()}>{props.dismiss}</button>
      </div>
    </dialog>
  );
}

function Progress(props: { kind: Kind; snapshot: Snapshot }) {
  const active = () => ACTIVE.includes(props.snapshot.value);
  return (
    <Show when={active() || props.snapshot.value === 'done'}>
      <div class="progress-row">
        <progress max={100} value={props.snapshot.context.percentage} aria-label={progressLabel(props.kind)} />
        <span class="percentage">{Math.floor(props.snapshot.context.percentage)}%</span>
        <span class="eta">{active() ? formatEta(props.snapshot.context.eta) : ''}</span>
      </div>
    </Show>
  );
}

function LifecycleCard(props: { kind: Kind }) {
  const core = useBackupCore();
  // note: components run once in Solid, so choosing the lifecycle by kind here is safe
  const snapshot: Accessor<Snapshot> = props.kind === 'backup' ? useLifecycle('creation') : useLifecycle('restoration');
  const lifecycle = core[props.kind];
  const value = () => snapshot().value;
  const status = () => cardStatus(props.kind, snapshot());
  return (
    <section class="card" data-lifecycle={props.kind}>
      <header class="card-header">
        <h2>{NOUN[props.kind]}</h2>
        <Show when={props.kind === 'backup'}>
          <button class="primary" onClick={() => core.backup.start()} disabled={ACTIVE.includes(value())}>
            Create backup
          </button>
        </Show>
      </header>
      {/* the polite live region: states are announced, percentages are not */}
      <p class="status" role="status">{status()}</p>
      <Progress kind={props.kind} snapshot={snapshot()} />
      <Show when={value() === 'confirming'}>
        <ConfirmDialog
          title={status()}
          {...RESTORE_CONFIRMATION}
          returnTo="[data-lifecycle='restore'] .actions button"
          onConfirm={() => core.restore.confirm()}
          onDismiss={() => core.restore.dismiss()}
        />
      </Show>
      <Notice snapshot={snapshot()} />
      <div class="actions">
        <Show when={canCancel(props.kind, snapshot())}>
          <button onClick={() => lifecycle.cancel()}>Cancel</button>
        </Show>
        <Show when={value() === 'failed'}>
          <button onClick={() => lifecycle.retry()}>Retry</button>
        </Show>
      </div>
    </section>
  );
}

function BackupsList() {
  const core = useBackupCore();
  const list = useBackups();
  const restoreBusy = useLifecycle('restoration', (s) => ACTIVE.includes(s.value));
  // the backup whose Delete asks for a confirmation (the core deletes at once)
  const [deleting, setDeleting] = createSignal<Backup | null>(null);
  const deleteError = () => {
    const failure = list().deleteError;
    return failure ? deleteFailedText(list().backups.find((b) => b.id === failure.backupId), failure.error.message) : '';
  };
  const busyDeleting = () => list().backups.filter((b) => list().deleting.includes(b.id));
  const confirmDelete = (backup: Backup) => {
    setDeleting(null);
    void core.backups.delete(backup.id);
  };
  return (
    <section class="card" aria-labelledby="backups-title">
      <header class="card-header">
        <h2 id="backups-title">Backups</h2>
        <button data-refresh onClick={() => core.backups.refresh()}>Refresh</button>
      </header>
      <Show when={list().error}>
        {(error) => (
          <p class="notice notice-error" role="alert">
            <strong>{listAction(error())}</strong> Then press Refresh. <small>{error().message}</small>
          </p>
        )}
      </Show>
      <Show when={deleteError()}>
        <p class="notice notice-error" role="alert">{deleteError()}</p>
      </Show>
      <p class="visually-hidden" role="status">
        <For each={busyDeleting()}>{(backup) => `Deleting the backup of ${backupDate(backup)}… `}</For>
      </p>
      <Show
        when={list().backups.length > 0}
        fallback={
          <Show when={list().status !== 'error'}>
            <p class="muted">{list().status === 'pending' ? 'Loading backups…' : 'No backups yet.'}</p>
          </Show>
        }
      >
        <table class="backups">
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Device</th>
              <th scope="col">Size</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            <For each={list().backups}>
              {(backup) => (
                <tr data-id={backup.id}>
                  <td><time datetime={backup.created.value}>{backupDate(backup)}</time></td>
                  <td>{backup.device_name}</td>
                  <td>{formatBytes(backup.bytes)}</td>
                  <td class="right">
                    <span class="row-actions">
                      <button onClick={() => core.restore.restore(backup.id, { backup })} disabled={restoreBusy()} aria-label={restoreLabel(backup)}>
                        Restore
                      </button>
                      <button onClick={() => setDeleting(backup)} disabled={list().deleting.includes(backup.id)} aria-label={deleteLabel(backup)}>
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={deleting()}>
        {(backup) => (
          <ConfirmDialog
            {...deleteConfirmation(backup())}
            returnTo="[data-refresh]"
            onConfirm={() => confirmDelete(backup())}
            onDismiss={() => setDeleting(null)}
          />
        )}
      </Show>
    </section>
  );
}

/** The schedule (core.schedule) and the retention preview (core.retention): what runs by itself. */
function SchedulePanel(props: { policyError: string | null }) {
  const core = useBackupCore();
  const schedule = useSchedule();
  const retention = useRetention();
  const backups = useBackups((state) => state.backups);
  // ages and "next in" are measured now: re-rendered every 30 s
  const [now, setNow] = createSignal(Date.now());
  onCleanup(watchClock(setNow));
  const text = () => scheduleText(schedule(), { now: now() });
  const command = () => pauseOrResume(schedule());
  const plan = () => retention().plan;
  const [confirming, setConfirming] = createSignal(false);
  const toggle = () => (command() === 'Pause' ? core.schedule.pause() : core.schedule.resume());
  const prune = () => {
    setConfirming(false);
    // a prune that cannot run says so in core.retention's error
    core.retention.prune().catch(() => undefined);
  };
  return (
    <section class="card schedule" data-panel="schedule" aria-labelledby="schedule-title">
      <header class="card-header">
        <h2 id="schedule-title">Schedule</h2>
        <Show when={command()}>{(label) => <button onClick={toggle}>{label()}</button>}</Show>
      </header>
      <p class="schedule-summary" data-testid="schedule-summary">{scheduleSummary(schedule(), backups(), now())}</p>
      <p class="muted">
        {schedule().configured ? `Backs up ${schedule().label}.` : 'Backups run when you ask (add ?every=6h to the address for a schedule).'}
      </p>
      {/* a polite live region: the schedule's state changes are announced */}
      <p class="status" role="status" data-testid="schedule-state">{schedule().configured ? text().state : ''}</p>
      <Show when={text().stale}>{(stale) => <p class="notice notice-warn">{stale()}</p>}</Show>
      <Show when={props.policyError}>{(error) => <p class="notice notice-error" role="alert">{error()}</p>}</Show>
      <Show when={retention().policy}>
        {(policy) => (
          <>
            <h3>Retention: keep {policyLabel(policy())}</h3>
            <Show when={(plan()?.entries.length ?? 0) > 0} fallback={<p class="muted">Nothing to keep or remove yet.</p>}>
              <table class="retention">
                <thead>
                  <tr><th scope="col">Created</th><th scope="col">Device</th><th scope="col">Prune would</th></tr>
                </thead>
                <tbody>
                  <For each={plan()?.entries}>
                    {(entry) => (
                      <tr data-id={entry.id} data-action={entry.action}>
                        <td>{backupDate(entry.backup)}</td>
                        <td>{entry.backup.device_name}</td>
                        <td class="reasons">{retentionText(entry)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
            <div class="actions">
              <button class="danger" disabled={!plan() || plan()!.remove.length === 0 || retention().pruning} onClick={() => setConfirming(true)}>
                Prune now
              </button>
            </div>
            <p class="muted" role="status" data-testid="prune-report">
              {retention().pruning ? 'Pruning…' : retention().lastReport ? pruneReportText(retention().lastReport!) : ''}
            </p>
            <Show when={retention().error}>{(error) => <p class="notice notice-error" role="alert">{error().userAction}</p>}</Show>
          </>
        )}
      </Show>
      <Show when={confirming() && plan()}>
        {(current) => (
          <ConfirmDialog
            {...pruneConfirmation(current())}
            returnTo="[data-panel='schedule'] .card-header button, [data-refresh]"
            onConfirm={prune}
            onDismiss={() => setConfirming(false)}
          />
        )}
      </Show>
    </section>
  );
}

/** Operations running on the daemon that this page did not start (another tab, the CLI, a reload). */
function Operations() {
  const operations = useOperations();
  const ours = [useLifecycle('creation', mine), useLifecycle('restoration', mine)];
  const running = () => {
    const { creations, restorations } = operations();
    const own = ours.map((id) => id());
    return [...creations, ...restorations].filter((operation) => !own.includes(operation.backupId));
  };
  return (
    <Show when={running().length > 0}>
      <section class="card">
        <h2>Started elsewhere</h2>
        <ul class="operations">
          <For each={running()}>
            {(operation) => (
              <li>
                {operation.kind === 'creation' ? 'Backup' : 'Restore'} <code>{operation.backupId}</code>: {Math.floor(operation.percentage ?? 0)}%
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}

/** The local database's asset count (examples/shared/asset-count.ts), stopped with the owner. */
function createAssetCount(daemonUrl: string): Accessor<number | null> {
  const [count, setCount] = createSignal<number | null>(null);
  onCleanup(watchAssetCount(daemonUrl, setCount));
  return count;
}

export function App(props: { daemonUrl: string; policyError: string | null }) {
  const assets = createAssetCount(props.daemonUrl);
  return (
    <main>
      <header class="page-header">
        <h1>Pieces backups</h1>
        <p class="muted">
          Pieces OS at <code>{props.daemonUrl}</code>
          <Show when={assets() !== null}>
            <span class="assets"> · local database: <strong data-testid="asset-count">{assets()}</strong> assets</span>
          </Show>
        </p>
      </header>
      <Operations />
      <div class="grid">
        <LifecycleCard kind="backup" />
        <LifecycleCard kind="restore" />
      </div>
      <SchedulePanel policyError={props.policyError} />
      <BackupsList />
    </main>
  );
}
