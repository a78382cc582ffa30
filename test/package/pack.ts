import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface PackedPackage {
  /** The `.tgz` that `npm publish` would upload. */
  tarball: string;
  /** A directory whose `node_modules/pieces-backup` is the tarball, unpacked. */
  app: string;
}

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * Builds the package into a staging copy (the checkout's `dist` is left alone), packs it with
 * npm (so `files` decides what ships, as it does for users) and unpacks it into `out/app`.
 */
export function packPackage(out: string): PackedPackage {
  const stage = path.join(out, 'stage');
  fs.mkdirSync(stage, { recursive: true });
  const tsup = path.join(ROOT, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  run(process.execPath, [tsup, '--out-dir', path.join(stage, 'dist')], ROOT);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  for (const file of ['package.json', ...pkg.files.filter((entry) => entry !== 'dist')]) {
    fs.cpSync(path.join(ROOT, file), path.join(stage, file), { recursive: true });
  }
  // the build is done: prepack would only build it again
  const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], stage)) as Array<{ filename: string }>;
  const tarball = path.join(out, packed!.filename);
  const installed = path.join(out, 'app', 'node_modules', 'pieces-backup');
  fs.mkdirSync(installed, { recursive: true });
  run('tar', ['-xzf', tarball, '--strip-components=1', '-C', installed], out);
  fs.writeFileSync(path.join(out, 'app', 'package.json'), '{ "name": "scratch-app", "private": true, "type": "module" }\n');
  return { tarball, app: path.join(out, 'app') };
}

const WAIT_MS = 300_000;

/**
 * One packed package for every file of test/package in one vitest run (the forks share a
 * parent): the first caller builds it, the others wait for its marker.
 */
export async function sharedPackedPackage(): Promise<PackedPackage> {
  removeStale();
  const dir = path.join(os.tmpdir(), `pieces-backup-packed-${runId()}`);
  const ready = path.join(dir, 'ready.json');
  const failed = path.join(dir, 'failed.txt');
  let first = true;
  try {
    fs.mkdirSync(dir);
  } catch {
    first = false;
  }
  if (first) {
    try {
      fs.writeFileSync(ready + '.tmp', JSON.stringify(packPackage(dir)));
      fs.renameSync(ready + '.tmp', ready);
    } catch (error) {
      const stderr = (error as { stderr?: unknown }).stderr;
      fs.writeFileSync(failed, `${(error as Error).message}\n${typeof stderr === 'string' ? stderr : ''}`);
    }
  }
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; await sleep(250)) {
    if (fs.existsSync(failed)) throw new Error(`packing failed:\n${fs.readFileSync(failed, 'utf8')}`);
    if (fs.existsSync(ready)) return JSON.parse(fs.readFileSync(ready, 'utf8')) as PackedPackage;
  }
  throw new Error(`no packed package in ${dir} after ${WAIT_MS} ms`);
}

/** The vitest run: its process id and, where Linux says, its start time (ids are reused). */
function runId(): string {
  let started: string | undefined;
  try {
    started = fs.readFileSync(`/proc/${process.ppid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
  } catch {
    // not Linux: the id alone
  }
  return `${process.ppid}-${started ?? 0}`;
}

function removeStale(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), name);
    if (!name.startsWith('pieces-backup-packed-')) continue;
    if (Date.now() - fs.statSync(dir).mtimeMs > 3_600_000) fs.rmSync(dir, { recursive: true, force: true });
  }
}
