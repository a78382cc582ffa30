import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `pieces-backup serve` as its own process, as a user runs it: it can be SIGKILLed and measured. */
export interface ChildEmulator {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGKILL: no clean-up of any kind runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Resident memory of the process now, in KiB (from /proc). */
  rssKiB(): number;
}

const running = new Set<ChildEmulator>();
/** A start slower than this is a hang (a start takes about a second on two busy cores). */
const START_TIMEOUT_MS = 60_000;

/** Starts `serve` on `port` (0: a free one) over `dataDir`; resolves once it listens. */
export async function spawnEmulator(dataDir: string, { port = 0, rate = 50_000_000 }: { port?: number; rate?: number } = {}): Promise<ChildEmulator> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', String(port), '--data', dataDir, '--rate', String(rate)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^listening on (http:\/\/[^\s]+)\n/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited before listening: ${stdout} ${stderr}`)));
    setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not listen within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS).unref();
  });
  const handle: ChildEmulator = {
    url,
    port: Number(new URL(url).port),
    pid: child.pid!,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      running.delete(handle);
    },
    rssKiB: () => {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    },
  };
  running.add(handle);
  return handle;
}

/** Kills every child still running (the runner calls it on exit, so none outlives the suite). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((child) => child.kill()));
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export const assetIdsOf = async (url: string) =>
  (await getJson<{ iterable: Array<{ id: string }> }>(`${url}/__emulator/assets`)).iterable.map((asset) => asset.id);

export const listedIds = async (url: string) => (await getJson<{ iterable: Array<{ id: string }> }>(`${url}/backups`)).iterable.map((backup) => backup.id);

/** PUT /__emulator/state. */
export async function setRate(url: string, rateBytesPerSecond: number): Promise<void> {
  const response = await fetch(`${url}/__emulator/state`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rateBytesPerSecond }),
  });
  if (!response.ok) throw new Error(`PUT state: ${response.status}`);
}
