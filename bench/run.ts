/**
 * `npm run bench`: every figure of issue #10, section 1, measured in one run and written to
 * bench/results.json (one key a figure, its goal beside it), then printed as a table.
 * `BENCH_PROFILE=short` is the CI's fixed small version (`npm run bench:ci`); `--out FILE`
 * writes elsewhere. Exits 1 when a figure group fails or a key is missing; goals missed are
 * reported, not failed (timings on a shared machine are noisy). See docs/bench.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { emulatorSpeed } from './emulator-speed.js';
import { benchDir, goalText, machine, profileFromEnv, type Figure, type Profile } from './figures.js';
import { heap } from './heap.js';
import { checkFigures } from './keys.js';
import { polling } from './polling.js';
import { progressOverhead } from './progress-overhead.js';
import { sizes } from './sizes.js';
import { statusLoad } from './status-load.js';

const GROUPS: Record<string, (profile: Profile) => Promise<Record<string, Figure>>> = {
  sizes,
  'progress-overhead': progressOverhead,
  polling,
  'emulator-speed': emulatorSpeed,
  'status-load': statusLoad,
  heap,
};

function outPath(): string {
  const index = process.argv.indexOf('--out');
  return index >= 0 && process.argv[index + 1] ? path.resolve(process.argv[index + 1]!) : path.join(benchDir, 'results.json');
}

function printTable(figures: Record<string, Figure>): void {
  const rows = Object.entries(figures).map(([key, found]) => ({
    figure: key,
    value: found.value,
    unit: found.unit,
    goal: goalText(found.goal),
    met: found.met === null ? '-' : found.met ? 'yes' : 'NO',
    runs: found.runs,
  }));
  console.table(rows);
}

async function main(): Promise<void> {
  const profile = profileFromEnv();
  const started = Date.now();
  const figures: Record<string, Figure> = {};
  const failures: string[] = [];
  for (const [name, group] of Object.entries(GROUPS)) {
    const groupStarted = Date.now();
    try {
      Object.assign(figures, await group(profile));
      console.error(`bench: ${name} done in ${((Date.now() - groupStarted) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      console.error(`bench: ${name} FAILED`, error);
    }
  }
  const results = {
    command: profile.name === 'full' ? 'npm run bench' : 'npm run bench:ci',
    profile,
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    note: 'Each figure: value (the median of `runs` unless `how` says otherwise), unit, goal ({ max } or { equals }, null when none), met, how it was measured, why it misses (when known) and details.',
    figures,
  };
  const out = outPath();
  fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printTable(figures);
  const shown = path.relative(process.cwd(), out);
  console.log(`wrote ${shown.startsWith('..') ? out : shown} (${profile.name} profile, ${results.seconds} s)`);
  const problems = [...failures, ...checkFigures(figures)];
  if (problems.length > 0) {
    console.error(`bench: ${problems.length} problem(s):\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
