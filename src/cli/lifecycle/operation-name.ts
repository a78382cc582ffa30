import type { OperationKind } from '../../core/index.js';

/** `backup` for a creation, `restore` for a restoration: the words of the commands. */
export const nounOf = (kind: OperationKind): 'backup' | 'restore' => (kind === 'creation' ? 'backup' : 'restore');

/** `the backup 9.0.0_1` / `the restore of 9.0.0_1` (or `the backup` before its id is known). */
export function operationName(kind: OperationKind, backupId: string | null): string {
  if (kind === 'creation') return backupId ? `the backup ${backupId}` : 'the backup';
  return `the restore of ${backupId ?? 'the backup'}`;
}
