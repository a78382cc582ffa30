import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../src/cli/commands/serve.js';
import { tempDir } from '../helpers/emulator.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const children: ChildProcess[] = [];

/** Runs the CLI through tsx in a plain node process (no npx wrapper between us and the signal). */
function cli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function listeningUrl(stdout: () => string): Promise<string> {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout());
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no listening line; stdout: ${stdout()}`);
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('pieces-backup CLI', () => {
  it('serve --port 0 prints exactly one listening line, serves, and exits 0 on SIGTERM', async () => {
    const data = tempDir();
    const run = cli(['serve', '--port', '0', '--data', data, '--signed-out']);
    const url = await listeningUrl(run.stdout);
    const health = await fetch(`${url}/.well-known/health`);
    expect(await health.text()).toBe('ok:9.0.0\n');
    expect((await fetch(`${url}/backups`)).status).toBe(511);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe(`listening on ${url}\n`);
    expect(fs.existsSync(path.join(data, 'local', 'pieces.db'))).toBe(true);
    fs.rmSync(data, { recursive: true, force: true });
  });

  it('SIGINT also closes cleanly', async () => {
    const run = cli(['serve', '--port', '0']);
    await listeningUrl(run.stdout);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('rejects unknown commands and options with exit code 2 and a usage line', async () => {
    const unknownCommand = cli(['frobnicate']);
    expect(await unknownCommand.exited).toBe(2);
    expect(unknownCommand.stderr()).toMatch(/usage: pieces-backup <serve\|demo>/);
    const unknownOption = cli(['serve', '--colour', 'red']);
    expect(await unknownOption.exited).toBe(2);
    expect(unknownOption.stderr()).toMatch(/unknown option --colour/);
  });

  it('demo --once (what npm start runs): prints the emulator URL, a backup and a restore that end done, exits 0', { timeout: 60_000 }, async () => {
    const run = cli(['demo', '--once']);
    expect(await run.exited).toBe(0);
    const lines = run.stdout().split('\n');
    expect(lines[0]).toMatch(/^emulator listening on http:\/\/127\.0\.0\.1:\d+ /);
    expect(lines).toContain('backup : done        100%  via websocket');
    expect(lines).toContain('restore: done        100%  via ndjson');
    // The restore brought back the asset deleted after the backup.
    const [, before] = /local database now has \d+ assets \(was (\d+)\)/.exec(run.stdout()) ?? [];
    expect(run.stdout()).toContain(`restore done: local database has ${before} assets again`);
    expect(run.stderr()).toBe('');
  });

  it('parses serve flags into emulator options', () => {
    expect(parseServeArgs(['--host', '::1', '--port', '0', '--data', '/tmp/x', '--rate', '1000', '--signed-out', '--offline', '--outdated'])).toEqual({
      host: '::1',
      port: 0,
      dataDir: '/tmp/x',
      rateBytesPerSecond: 1000,
      signedIn: false,
      cloudConnected: false,
      osUpToDate: false,
    });
    expect(() => parseServeArgs(['--port', 'abc'])).toThrow(/--port must be an integer/);
    expect(() => parseServeArgs(['--rate'])).toThrow(/--rate needs a value/);
  });
});
