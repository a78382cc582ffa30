import { toLifecycleError, type LifecycleError } from '../../machines/index.js';
import type { BackupClient } from '../api/index.js';
import type { Backup } from '../models/index.js';
import type { BackupsStore } from './backups-store.js';
import type { RestoreLifecycle } from './lifecycle.js';
import { applyRetention, type RetentionReport, type RetentionResult } from './policy/apply-retention.js';
import { PolicyInputError } from './policy/policy-input-error.js';
import {
  planRetention,
  resolveRetentionPolicy,
  type ProtectedBackup,
  type ResolvedRetentionPolicy,
  type RetentionPlan,
  type RetentionPolicy,
} from './policy/retention.js';
import { createStore, type Store } from './store.js';

/** The retention policy as a face shows it: the preview, and the last prune. */
export interface RetentionView {
  policy: RetentionPolicy | null;
  /** What a prune would keep and remove, and why, from `core.backups` (recomputed as it changes); `null` without a policy or a list. */
  plan: RetentionPlan | null;
  pruning: boolean;
  /** The latest prune's results (deleted, skipped with a 409 or 404, failed), oldest first. */
  lastReport: RetentionReport | null;
  /** Why the latest prune could not run at all (the list could not be read); `null` once one runs. */
  error: LifecycleError | null;
}

/** `core.retention`: the retention view as a store, with its commands. */
export interface RetentionHandle extends Store<RetentionView> {
  /** Sets or clears the policy; throws `PolicyInputError` for one that does not parse or would keep nothing. */
  setPolicy(policy: RetentionPolicy | null): void;
  /**
   * Plans over a fresh `GET /backups` and deletes the removals oldest first (a 409, a backup
   * being restored, is skipped and reported; one failure loses nothing else), then refreshes
   * `core.backups`. A prune asked while one runs joins it. Rejects with `PolicyInputError`
   * without a policy, and with the list's error when it cannot be read.
   */
  prune(options?: { onResult?: (result: RetentionResult) => void }): Promise<RetentionReport>;
}

export interface RetentionHandleDeps {
  client: BackupClient;
  backups: BackupsStore;
  restore: RestoreLifecycle;
  now: () => number;
}

/**
 * Never removed: the backup a restore is about (asked, running or being checked), and the
 * safety backup of the latest restore (what its undo restores), while the core lives.
 */
function protectedOf(restore: RestoreLifecycle): ProtectedBackup[] {
  const { value, context } = restore.getSnapshot();
  const active =
    value === 'confirming' || value === 'preflight' || value === 'safety' || value === 'safetyCancelling' ||
    value === 'starting' || value === 'running' || value === 'cancelling' || value === 'checking';
  const protect: ProtectedBackup[] = active && context.backupId !== null ? [{ id: context.backupId, reason: 'restoring' }] : [];
  if (context.safetyBackupId !== null) protect.push({ id: context.safetyBackupId, reason: 'safety backup' });
  return protect;
}

/** What `protectedOf` says, as one comparable key: the preview is replanned when it changes. */
const protectKey = (restore: RestoreLifecycle) => protectedOf(restore).map(({ id, reason }) => `${reason}:${id}`).join(',');

/** `core.retention` (internal: the core builds it). Throws `PolicyInputError` for a bad initial policy. */
export function createRetentionHandle(initial: RetentionPolicy | undefined, deps: RetentionHandleDeps): RetentionHandle {
  const { client, backups, restore, now } = deps;
  let policy: RetentionPolicy | null = initial ?? null;
  let resolved: ResolvedRetentionPolicy | null = policy ? resolveRetentionPolicy(policy) : null;
  let running: Promise<RetentionReport> | null = null;

  const planOf = (list: readonly Backup[]) => (resolved ? planRetention(list, resolved, { now: now(), protect: protectedOf(restore) }) : null);
  const replan = () => {
    const { backups: list, status } = backups.getSnapshot();
    store.set((view) => ({ ...view, policy, plan: status === 'success' || list.length > 0 ? planOf(list) : null }));
  };

  let stops: Array<() => void> = [];
  const store = createStore<RetentionView>(
    { policy, plan: null, pruning: false, lastReport: null, error: null },
    {
      // observed, the preview follows the list (which loads for it) and the restore's backup
      onStart() {
        let protecting = protectKey(restore);
        stops = [
          backups.subscribe(replan),
          restore.subscribe(() => {
            const now = protectKey(restore);
            if (now !== protecting) {
              protecting = now;
              replan();
            }
          }),
        ];
        replan();
      },
      onStop() {
        for (const stop of stops.splice(0)) stop();
      },
    },
  );

  const prune = async (onResult?: (result: RetentionResult) => void): Promise<RetentionReport> => {
    if (!resolved) throw new PolicyInputError({ field: 'policy', input: null, message: 'policy: no retention policy is set: setPolicy({ keepLast: 3, ... }) first' });
    store.set((view) => ({ ...view, pruning: true }));
    try {
      const plan = planOf((await client.list()).iterable);
      const report = plan ? await applyRetention(plan, (id) => client.delete(id), onResult ? { onResult } : {}) : { results: [], deleted: 0, skipped: 0, failed: 0 };
      store.set((view) => ({ ...view, pruning: false, lastReport: report, error: null }));
      return report;
    } catch (error) {
      store.set((view) => ({ ...view, pruning: false, error: toLifecycleError(error, false) }));
      throw error;
    } finally {
      backups.refresh();
    }
  };

  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    setPolicy(next) {
      resolved = next ? resolveRetentionPolicy(next) : null;
      policy = next;
      replan();
    },
    prune(options = {}) {
      running ??= prune(options.onResult).finally(() => (running = null));
      return running;
    },
  };
}
