import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** How big and how many: `full` is `npm run bench`, `short` the CI run (`npm run bench:ci`). */
export interface Profile {
  name: 'full' | 'short';
  /** Progress frames a creation sends in the overhead figure. */
  frames: number;
  overheadRuns: number;
  pollRuns: number;
  pollSeconds: number;
  /** Polling runs at once, each on its own emulator. */
  pollConcurrency: number;
  sharedSubscribers: number;
  sharedSeconds: number;
  sharedRuns: number;
  databaseBytes: number;
  speedRuns: number;
  lifecycles: number;
  loadSeconds: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  full: {
    name: 'full',
    frames: 100_000,
    overheadRuns: 5,
    pollRuns: 20,
    pollSeconds: 30,
    pollConcurrency: 10,
    sharedSubscribers: 100,
    sharedSeconds: 10,
    sharedRuns: 3,
    databaseBytes: 100 * 1024 * 1024,
    speedRuns: 5,
    lifecycles: 10_000,
    loadSeconds: 10,
  },
  short: {
    name: 'short',
    frames: 2_000,
    overheadRuns: 3,
    pollRuns: 2,
    pollSeconds: 3,
    pollConcurrency: 2,
    sharedSubscribers: 100,
    sharedSeconds: 3,
    sharedRuns: 1,
    databaseBytes: 10 * 1024 * 1024,
    speedRuns: 1,
    lifecycles: 200,
    loadSeconds: 2,
  },
};

export function profileFromEnv(): Profile {
  const name = process.env.BENCH_PROFILE ?? 'full';
  if (name !== 'full' && name !== 'short') throw new RangeError(`BENCH_PROFILE must be full or short, got ${name}`);
  return PROFILES[name];
}

/** A goal as data: the figure must be at most, or exactly, `value`. */
export type Goal = { max: number } | { equals: number };

/** One figure of `bench/results.json`: its value beside its goal, and how it was measured. */
export interface Figure {
  value: number;
  unit: string;
  /** null: reported without a goal. */
  goal: Goal | null;
  /** null when there is no goal. */
  met: boolean | null;
  /** Measurements behind the value (the value is their median, unless `how` says otherwise). */
  runs: number;
  how: string;
  /** Why it misses its goal, or what it depends on. */
  why?: string;
  details?: Record<string, unknown>;
}

export function figure(value: number, unit: string, goal: Goal | null, runs: number, how: string, extra: Pick<Figure, 'why' | 'details'> = {}): Figure {
  const met = goal === null ? null : 'max' in goal ? value <= goal.max : value === goal.equals;
  return { value, unit, goal, met, runs, how, ...extra };
}

export function goalText(goal: Goal | null): string {
  if (goal === null) return '-';
  return 'max' in goal ? `<= ${goal.max}` : `= ${goal.equals}`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
  };
}

/** A bench script in its own Node process (with tsx, as this one runs), its stdout lines as JSON. */
export function spawnScript(script: string, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, ...process.execArgv, path.join(benchDir, script), ...args], {
    // stdin a pipe: a child that reads it learns that the bench is gone when it closes
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

/** The first stdout line of `child`, parsed. */
export function firstLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(JSON.parse(line) as T);
    });
    child.once('exit', (code) => reject(new Error(`${path.basename(String(child.spawnargs.at(-1)))} exited with ${code}`)));
  });
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** An emulator in a child process, so its work does not share the measured event loop. */
export async function startEmulatorProcess(options: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawnScript('emulator-process.ts', [JSON.stringify(options)]);
  const { url } = await firstLine<{ url: string }>(child);
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
