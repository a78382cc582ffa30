import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cancelCreate } from './cancel-create.js';
import { cancelRestore } from './cancel-restore.js';
import { killAllChildren } from './child-emulator.js';
import { concurrency } from './concurrency.js';
import { crashLoops } from './crash-loop.js';
import { hostileInput } from './hostile-input.js';
import { load } from './load.js';
import { atMost, errorText, type ProbeResult, type Scale } from './probe.js';
import { proxyFaults } from './proxy-faults.js';
import { transportFaults } from './transport-faults.js';

// `npm run reliability` (full) and `npm run reliability:ci` (--ci: a few runs of each probe).
// Runs the probes one after another (each runs its cases side by side), writes the counts
// next to their goals, and prints the summary table last. Exits 1 when any goal is missed.

const PROBES: Record<string, (scale: Scale) => Promise<ProbeResult>> = {
  'cancel-restore': cancelRestore,
  'cancel-create': cancelCreate,
  'crash-loop': crashLoops,
  'transport-faults': transportFaults,
  'proxy-faults': proxyFaults,
  concurrency,
  'hostile-input': hostileInput,
  // last, alone: its rates are measured on a quiet suite
  load,
};

/** Every probe is bounded in time as well as in count: past this it counts as failed. */
const PROBE_DEADLINE_MS = 15 * 60_000;
const CI_PROBE_DEADLINE_MS = 90_000;

function withDeadline<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not finish within ${ms / 1_000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const USAGE = 'usage: tsx reliability/run.ts [--ci] [--only probe[,probe]] [--out file.json]';

function parseArgs(args: readonly string[]) {
  let scale: Scale = 'full';
  let only: string[] = Object.keys(PROBES);
  let out: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--ci') scale = 'ci';
    else if (arg === '--only') only = (args[++index] ?? '').split(',');
    else if (arg === '--out') out = args[++index];
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  const unknown = only.filter((name) => !(name in PROBES));
  if (unknown.length > 0) throw new Error(`unknown probe ${unknown.join(', ')}; probes: ${Object.keys(PROBES).join(', ')}`);
  // the full run of every probe is the documented one: it writes reliability/results.json
  const whole = only.length === Object.keys(PROBES).length;
  out ??= scale === 'full' && whole ? path.join(import.meta.dirname, 'results.json') : undefined;
  return { scale, only, out };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function summaryTable(results: readonly ProbeResult[]): string {
  const rows = results.flatMap((result) => [
    ...result.figures.map((figure) => [result.probe, figure.metric, String(figure.value), figure.goal, figure.pass ? 'ok' : 'MISSED']),
    ...Object.entries(result.measured ?? {}).map(([metric, value]) => [result.probe, metric, String(value), '', '']),
  ]);
  return table(['probe', 'figure', 'value', 'goal', ''], rows);
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  const { scale, only, out } = parseArgs(process.argv.slice(2));
  const started = new Date();
  const commit = git('rev-parse', 'HEAD');
  const uncommittedFiles = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
  const t0 = performance.now();
  // rejections outside any probe's own count
  const stray: unknown[] = [];
  process.on('unhandledRejection', (reason) => void stray.push(reason));
  const results: ProbeResult[] = [];
  for (const name of only) {
    const probeStarted = performance.now();
    console.log(`${name}: running (${scale})...`);
    try {
      results.push(await withDeadline(PROBES[name]!(scale), scale === 'full' ? PROBE_DEADLINE_MS : CI_PROBE_DEADLINE_MS, name));
    } catch (error) {
      results.push({ probe: name, title: 'the probe itself failed', figures: [atMost('harness errors', 1, 0)], failures: [errorText(error)], durationMs: 0, pass: false });
    }
    const result = results.at(-1)!;
    console.log(`${name}: ${result.pass ? 'ok' : 'MISSED'} in ${((performance.now() - probeStarted) / 1_000).toFixed(1)} s`);
    for (const line of result.failures) console.log(`  ${line}`);
  }
  await killAllChildren();
  results.push({
    probe: 'run',
    title: 'The whole run',
    figures: [atMost('unhandled rejections outside the probes', stray.length, 0)],
    failures: stray.slice(0, 5).map(errorText),
    durationMs: Math.round(performance.now() - t0),
    pass: stray.length === 0,
  });
  const pass = results.every((result) => result.pass);
  const durationS = Math.round((performance.now() - t0) / 100) / 10;
  const document = {
    issue: 11,
    scale,
    command: scale === 'full' ? 'npm run reliability' : 'npm run reliability:ci',
    pass,
    startedAt: started.toISOString(),
    durationSeconds: durationS,
    machine: {
      platform: `${os.platform()} ${os.release()}`,
      arch: os.arch(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
    },
    node: process.version,
    commit,
    // files changed but not committed when the run started (what ran is the working tree)
    uncommittedFiles,
    probes: results,
  };
  if (out) {
    fs.writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
    console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
  }
  console.log(`\nreliability (${scale}): ${pass ? 'every goal met' : 'GOALS MISSED'} in ${durationS} s on ${document.machine.cpus} CPUs, Node ${process.version}\n`);
  console.log(summaryTable(results));
  return pass ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(errorText(error));
    await killAllChildren();
    process.exit(2);
  },
);
