import type { Figure } from './figures.js';

const ENTRIES = ['react', 'vue', 'svelte', 'solid', 'angular', 'element'] as const;

/** Every key `bench/results.json` must have (issue #10, section 1). */
export const FIGURE_KEYS: readonly string[] = [
  'progress_overhead_ratio_websocket',
  'progress_overhead_ratio_ndjson',
  'machine_events_per_100k_frames',
  'store_notifications_per_100k_frames',
  'poll_requests_30s_op',
  'poll_detect_latency_p95_ms',
  'shared_poll_ratio',
  'core_gzip_bytes',
  'own_gzip_bytes',
  ...ENTRIES.flatMap((entry) => [`${entry}_gzip_bytes`, `${entry}_own_gzip_bytes`]),
  'heap_growth_bytes_10k_lifecycles',
  'active_handles_growth_10k_lifecycles',
  'emulator_backup_vs_copy_ratio',
  'emulator_restore_vs_copy_ratio',
  'emulator_integrity_check_vs_copy_ratio',
  'emulator_status_rps',
  'emulator_status_p99_ms',
  'emulator_status_errors',
];

/** What is wrong with a results file's figures: missing keys, values that are not numbers, goals missing. */
export function checkFigures(figures: Record<string, Partial<Figure>> | undefined): string[] {
  if (!figures || typeof figures !== 'object') return ['no "figures" object'];
  const problems: string[] = [];
  for (const key of FIGURE_KEYS) {
    const found = figures[key];
    if (!found) {
      problems.push(`${key}: missing`);
      continue;
    }
    if (typeof found.value !== 'number' || !Number.isFinite(found.value)) problems.push(`${key}: value ${String(found.value)} is not a finite number`);
    if (found.goal === undefined) problems.push(`${key}: no goal (null when it has none)`);
    else if (found.goal !== null && typeof (found.goal as { max?: number; equals?: number }).max !== 'number' && typeof (found.goal as { equals?: number }).equals !== 'number') {
      problems.push(`${key}: goal ${JSON.stringify(found.goal)} is neither { max } nor { equals }`);
    }
    if (typeof found.met !== 'boolean' && found.met !== null) problems.push(`${key}: met must be true, false or null`);
    if (typeof found.runs !== 'number' || found.runs < 1) problems.push(`${key}: runs must be >= 1`);
  }
  return problems;
}
