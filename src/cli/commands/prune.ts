import { applyRetention, backupTime, planRetention, type RetentionEntry, type RetentionPolicy, type RetentionResult } from '../../core/index.js';
import type { CommandContext } from '../command/context.js';
import { EXIT_CODES } from '../command/exit-codes.js';
import type { CommandResult } from '../command/result.js';
import { formatBytes, formatLocalTime } from '../output/format.js';

function table(entries: readonly RetentionEntry[]): string[] {
  const rows = entries.map((entry) => [
    entry.action,
    entry.id,
    formatLocalTime(backupTime(entry.backup)),
    entry.backup.device_name,
    formatBytes(entry.backup.bytes),
    entry.reasons.join(', '),
  ]);
  const all = [['ACTION', 'ID', 'CREATED', 'DEVICE', 'SIZE', 'REASONS'], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** One deletion's result for people: `deleted <id>`, `skipped <id>: being restored or busy (409)`. */
export function resultLine(result: RetentionResult): string {
  if (result.outcome === 'deleted') return `deleted ${result.id}`;
  if (result.outcome === 'skipped') {
    const why = result.reason === 'conflict' ? 'being restored or busy (409)' : result.reason === 'not found' ? 'already gone (404)' : 'stopped before it';
    return `skipped ${result.id}: ${why}`;
  }
  return `failed ${result.id}: ${result.error instanceof Error ? result.error.message : String(result.error)}`;
}

/** A deletion's result as JSON: the error as its name and message. */
export function resultData(result: RetentionResult): Record<string, unknown> {
  const { error, ...rest } = result as RetentionResult & { error?: unknown };
  return { ...rest, ...(error !== undefined && { error: error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) } }) };
}

const entryData = (entry: RetentionEntry) => ({
  id: entry.id,
  reasons: entry.reasons,
  timestamp: new Date(backupTime(entry.backup)).toISOString(),
  deviceName: entry.backup.device_name,
  bytes: entry.backup.bytes,
});

/**
 * `pieces-backup prune`: plans the policy over the backups (restic `forget` semantics: keep or
 * remove, with the reasons), prints it, and unless `--dry-run` deletes the removals oldest
 * first. A backup being restored answers 409 and is skipped; one failure loses nothing else
 * (exit 1 when any failed).
 */
export async function prune(context: CommandContext, policy: RetentionPolicy, { dryRun }: { dryRun: boolean }): Promise<CommandResult> {
  const client = await context.connect();
  const plan = planRetention((await client.list()).iterable, policy);
  const lines = plan.entries.length === 0 ? ['no backups'] : table(plan.entries);
  const summary = `${plan.keep.length} kept (${formatBytes(plan.size.keptBytes)}), ${plan.remove.length} to remove (${formatBytes(plan.size.removedBytes)})`;
  const data = { dryRun, policy, keep: plan.keep.map(entryData), remove: plan.remove.map(entryData), warnings: plan.warnings };
  if (dryRun) {
    return { exitCode: EXIT_CODES.ok, lines: [...lines, '', `dry run: ${summary}; nothing deleted`, ...plan.warnings], data };
  }
  const report = await applyRetention(plan, (id) => client.delete(id));
  const results = report.results.map(resultLine);
  return {
    exitCode: report.failed > 0 ? EXIT_CODES.failed : EXIT_CODES.ok,
    lines: [...lines, '', ...results, `${summary}: ${report.deleted} deleted, ${report.skipped} skipped, ${report.failed} failed`, ...plan.warnings],
    data: { ...data, results: report.results.map(resultData), deleted: report.deleted, skipped: report.skipped, failed: report.failed },
  };
}
