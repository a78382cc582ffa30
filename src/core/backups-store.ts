import { toBackupError, type BackupClient, type PiecesBackupError } from '../api/index.js';
import type { Backup } from '../models/index.js';
import { createStore, type Store } from './store.js';

export interface BackupsState {
  /** Completed backups, newest first (`GET /backups`); empty until the first answer. */
  backups: readonly Backup[];
  /** Of the list: `pending` until the first answer, then how the latest load ended. */
  status: 'pending' | 'success' | 'error';
  /** A load is in flight (the first one or a refresh). */
  fetching: boolean;
  /** Why the latest load failed; the backups of the load before stay. */
  error: PiecesBackupError | null;
  /** Backups with a delete in flight. */
  deleting: readonly string[];
  /**
   * The latest delete that failed, until the next delete: a backup being restored answers 409,
   * a `ConflictError` here.
   */
  deleteError: { backupId: string; error: PiecesBackupError } | null;
}

/** The daemon's backups, loaded once by the first subscriber and shared by all. */
export interface BackupsStore extends Store<BackupsState> {
  /** Loads the list again: now when observed, else when the next subscriber arrives. */
  refresh(): void;
  /** Deletes a backup, then refreshes the list. Never rejects: a failure is `deleteError`. */
  delete(backupId: string): Promise<void>;
}

const INITIAL: BackupsState = { backups: [], status: 'pending', fetching: false, error: null, deleting: [], deleteError: null };

/** `dispose` is the core's: it aborts a load in flight (and its retries) for good. */
export function createBackupsStore(client: BackupClient): BackupsStore & { dispose(): void } {
  let stale = true;
  let loading = false;
  // a change arrived while a load was in flight: that answer may predate it
  let again = false;
  const disposed = new AbortController();

  const load = () => {
    if (disposed.signal.aborted) return;
    if (loading) return void (again = true);
    loading = true;
    stale = false;
    store.set((state) => ({ ...state, fetching: true }));
    client.list({ signal: disposed.signal }).then(
      ({ iterable }) => settle({ backups: iterable, status: 'success', error: null }),
      (error: unknown) => {
        stale = true;
        if (!disposed.signal.aborted) settle({ status: 'error', error: toBackupError(error) });
      },
    );
  };
  const settle = (patch: Partial<BackupsState>) => {
    loading = false;
    store.set((state) => ({ ...state, ...patch, fetching: false }));
    if (again) {
      again = false;
      refresh();
    }
  };
  const refresh = () => {
    if (store.observed) load();
    else stale = true;
  };

  const store = createStore(INITIAL, { onStart: () => stale && load() });
  const without = (ids: readonly string[], id: string) => ids.filter((other) => other !== id);

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    refresh,
    dispose: () => disposed.abort(),
    async delete(backupId) {
      store.set((state) => ({ ...state, deleting: [...state.deleting, backupId], deleteError: null }));
      try {
        await client.delete(backupId);
        store.set((state) => ({ ...state, deleting: without(state.deleting, backupId) }));
      } catch (error) {
        const deleteError = { backupId, error: toBackupError(error) };
        store.set((state) => ({ ...state, deleting: without(state.deleting, backupId), deleteError }));
      }
      // after a failure too: a 404 says the list is out of date
      refresh();
    },
  };
}
