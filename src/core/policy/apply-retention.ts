import { isConflictError, isNotFoundError } from '../../api/errors/index.js';
import { backupTime, type RetentionPlan } from './retention.js';

/** What happened to one removal. */
export type RetentionResult =
  | { id: string; outcome: 'deleted' }
  /** Not deleted, and nothing is wrong: busy (409, e.g. being restored) or already gone (404). */
  | { id: string; outcome: 'skipped'; reason: 'conflict' | 'not found' | 'aborted'; error?: unknown }
  | { id: string; outcome: 'failed'; error: unknown };

export interface ApplyRetentionOptions {
  /** Called after each removal, in order: a CLI prints it, a UI ticks a row. */
  onResult?: (result: RetentionResult) => void;
  /** Stops before the next deletion; the rest are reported `skipped` / `aborted`. */
  signal?: AbortSignal;
}

export interface RetentionReport {
  /** One per removal of the plan, oldest first. */
  results: RetentionResult[];
  deleted: number;
  skipped: number;
  failed: number;
}

/**
 * Deletes the plan's removals oldest first, one at a time. A failure is reported and the next
 * one is tried: one error loses nothing else. A 409 (the backup is being restored, or busy)
 * and a 404 (already deleted) are `skipped`, not failures.
 *
 * @example
 * ```ts
 * const report = await applyRetention(plan, (id) => client.delete(id), { onResult: console.log });
 * if (report.failed > 0) process.exitCode = 1;
 * ```
 */
export async function applyRetention(
  plan: RetentionPlan,
  remove: (id: string) => Promise<void>,
  options: ApplyRetentionOptions = {},
): Promise<RetentionReport> {
  const order = [...plan.remove].sort((a, b) => backupTime(a.backup) - backupTime(b.backup) || (a.id < b.id ? -1 : 1));
  const results: RetentionResult[] = [];
  for (const { id } of order) {
    let result: RetentionResult;
    if (options.signal?.aborted) {
      result = { id, outcome: 'skipped', reason: 'aborted' };
    } else {
      try {
        await remove(id);
        result = { id, outcome: 'deleted' };
      } catch (error) {
        if (isConflictError(error)) result = { id, outcome: 'skipped', reason: 'conflict', error };
        else if (isNotFoundError(error)) result = { id, outcome: 'skipped', reason: 'not found', error };
        else result = { id, outcome: 'failed', error };
      }
    }
    results.push(result);
    options.onResult?.(result);
  }
  const count = (outcome: RetentionResult['outcome']) => results.filter((result) => result.outcome === outcome).length;
  return { results, deleted: count('deleted'), skipped: count('skipped'), failed: count('failed') };
}
