import { useEffect, useState } from 'react';
import type { Backup } from 'pieces-backup';
import { useBackupCore, useBackups, useLifecycle, useOperations } from 'pieces-backup/react';
import { watchAssetCount } from '../shared/asset-count.js';
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

function Progress({ snapshot }: { snapshot: Snapshot }) {
  const { value, context } = snapshot;
  if (!ACTIVE.includes(value) && value !== 'done') return null;
  const percentage = Math.floor(context.percentage);
  return (
    <div className="progress-row">
      <progress max={100} value={context.percentage} aria-label="progress" />
      <span className="percentage">{percentage}%</span>
      <span className="eta">{ACTIVE.includes(value) ? formatEta(context.eta) : ''}</span>
    </div>
  );
}

function LifecycleCard({ kind }: { kind: Kind }) {
  const core = useBackupCore();
  // note: kind is fixed per card, so this is always the same hook call
  const snapshot: Snapshot = kind === 'backup' ? useLifecycle('creation') : useLifecycle('restoration');
  const lifecycle = core[kind];
  const { value } = snapshot;
  return (
    <section className="card" data-lifecycle={kind}>
      <header className="card-header">
        <h2>{NOUN[kind]}</h2>
        {kind === 'backup' && (
          <button className="primary" onClick={() => core.backup.start()} disabled={ACTIVE.includes(value)}>
            Create backup
          </button>
        )}
      </header>
      <p className="status" role="status">{statusText(kind, snapshot)}</p>
      <Progress snapshot={snapshot} />
      {value === 'confirming' && (
        <div className="confirm" role="alertdialog" aria-label="Confirm restore">
          <p>Restoring replaces the local database with this backup. Nothing is synced back. Continue?</p>
          <button className="danger" onClick={() => core.restore.confirm()}>Restore</button>
          <button onClick={() => core.restore.dismiss()}>Keep my data</button>
        </div>
      )}
      <Notice snapshot={snapshot} />
      <div className="actions">
        {canCancel(kind, snapshot) && <button onClick={() => lifecycle.cancel()}>Cancel</button>}
        {value === 'failed' && <button onClick={() => lifecycle.retry()}>Retry</button>}
      </div>
    </section>
  );
}

function BackupsList() {
  const core = useBackupCore();
  const { backups, status, error } = useBackups();
  const restoreBusy = useLifecycle('restoration', (s) => ACTIVE.includes(s.value) || s.value === 'confirming');
  return (
    <section className="card">
      <header className="card-header">
        <h2>Backups</h2>
        <button onClick={() => core.backups.refresh()}>Refresh</button>
      </header>
      {error && (
        <p className="notice notice-error" role="alert">
          <strong>{listAction(error)}</strong> Then press Refresh. <small>{error.message}</small>
        </p>
      )}
      {backups.length === 0 ? (
        status !== 'error' && <p className="muted">{status === 'pending' ? 'Loading backups…' : 'No backups yet.'}</p>
      ) : (
        <table className="backups">
          <thead>
            <tr><th>Created</th><th>Device</th><th>Size</th><th /></tr>
          </thead>
          <tbody>
            {backups.map((backup: Backup) => (
              <tr key={backup.id} data-id={backup.id}>
                <td>{backup.created.readable ?? backup.created.value}</td>
                <td>{backup.device_name}</td>
                <td>{formatBytes(backup.bytes)}</td>
                <td className="right">
                  <button onClick={() => core.restore.restore(backup.id, { backup })} disabled={restoreBusy}>Restore</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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

/** The local database's asset count (examples/shared/asset-count.ts), stopped with the effect. */
function useAssetCount(daemonUrl: string): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => watchAssetCount(daemonUrl, setCount), [daemonUrl]);
  return count;
}

export function App({ daemonUrl }: { daemonUrl: string }) {
  const assets = useAssetCount(daemonUrl);
  return (
    <main>
      <header className="page-header">
        <h1>Pieces backups</h1>
        <p className="muted">
          Pieces OS at <code>{daemonUrl}</code>
          {assets !== null && <span className="assets"> · local database: <strong data-testid="asset-count">{assets}</strong> assets</span>}
        </p>
      </header>
      <Operations />
      <div className="grid">
        <LifecycleCard kind="backup" />
        <LifecycleCard kind="restore" />
      </div>
      <BackupsList />
    </main>
  );
}
