import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The real binary, through tsx in a plain node process (no npx wrapper between us and signals). */
export const CLI = [process.execPath, '--import', 'tsx', 'src/cli/main.ts'] as const;

export interface CliRun {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code (null if killed by a signal). */
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** The CLI's state dir in tests (the last restore, the schedule's state): never the user's own. */
const STATE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-cli-state-'));

/**
 * Starts `pieces-backup ...args` with stdin, stdout and stderr as pipes (not a terminal), and
 * `CI`/`NO_COLOR` cleared so the mode comes from the pipes alone.
 */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const [node, ...prefix] = CLI;
  const child = spawn(node, [...prefix, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, CI: '', NO_COLOR: '', XDG_STATE_HOME: STATE_HOME, ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs `pieces-backup ...args` to its end. */
export async function cli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  run.child.stdin!.end();
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Kills whatever a test left running (teardown). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** One JSON object per line, as `--json` writes them. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A port nothing listens on: bound, then closed. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
