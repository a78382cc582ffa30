import type { LifecycleContext, OperationKind } from '../index.js';

/** What the CLI reads from a backup or restore actor's snapshot. */
export interface LifecycleSnapshot {
  value: unknown;
  context: LifecycleContext;
}

/**
 * The part of a backup or restore actor the CLI binds to: `subscribe`, `getSnapshot`, and
 * CANCEL. Both `BackupActor` and `RestoreActor` are one.
 */
export interface LifecycleActorLike {
  subscribe(listener: (snapshot: LifecycleSnapshot) => void): { unsubscribe(): void };
  getSnapshot(): LifecycleSnapshot;
  send(event: { type: 'CANCEL' }): void;
}

/** The states a lifecycle ends in (until the user asks for more). */
export type SettledState = 'done' | 'cancelled' | 'failed';

export function settledState(snapshot: LifecycleSnapshot): SettledState | null {
  const value = String(snapshot.value);
  return value === 'done' || value === 'cancelled' || value === 'failed' ? value : null;
}

/** `backup` for a creation, `restore` for a restoration: the words of the commands. */
export const nounOf = (kind: OperationKind): 'backup' | 'restore' => (kind === 'creation' ? 'backup' : 'restore');

/** `the backup 9.0.0_1` / `the restore of 9.0.0_1` (or `the backup` before its id is known). */
export function operationName(kind: OperationKind, backupId: string | null): string {
  if (kind === 'creation') return backupId ? `the backup ${backupId}` : 'the backup';
  return `the restore of ${backupId ?? 'the backup'}`;
}
