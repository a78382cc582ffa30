// The package as a new user receives it (issue #10): `npm pack` the built dist, install the
// tarball into a scratch project from the registry, import every subpath export from ESM with
// Node, type-check a file that uses them with `node16` and with `bundler` resolution, run
// `npx pieces-backup serve` and ask it for its health, and check the one-line message when
// better-sqlite3 is missing. Run by `npm run check:package` after `tsup`:
//   tsx test/package/scratch-install.ts [--keep]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './pack.js';

const keep = process.argv.includes('--keep');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function step(title: string): void {
  process.stdout.write(`scratch-install: ${title}\n`);
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

const versionOf = (name: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

interface Manifest {
  exports: Record<string, unknown>;
}

/** `npx pieces-backup serve --port 0`: its URL once it listens, or its output if it exits first. */
function serve(cwd: string): Promise<{ url?: string; code?: number | null; output: string; stop(): void }> {
  const child = spawn('npx', ['--no-install', 'pieces-backup', 'serve', '--port', '0', '--data', path.join(cwd, '.data')], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // npx runs node in a child process: stop the whole group
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  let output = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ output: `${output}\n(no answer in 120 s)`, stop }), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, output, stop });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, stop });
    });
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'index.js'))) throw new Error('no dist/: run `npx tsup` first (npm run check:package does)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pieces-backup-scratch-'));
  try {
    step(`npm pack -> ${dir}`);
    const [packed] = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    const shipped = packed!.files.map((file) => file.path);
    for (const doc of ['README.md', 'docs/protocol.md', 'machines/README.md', 'dist/index.d.ts', 'dist/cli/main.js']) {
      if (!shipped.includes(doc)) throw new Error(`the tarball lacks ${doc}`);
    }
    for (const leak of shipped.filter((file) => /^(src\/.*\.ts|test\/|examples\/|bench\/)/.test(file))) throw new Error(`the tarball ships ${leak}`);

    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2));
    const frameworks = ['react', 'vue', 'svelte', 'solid-js', '@angular/core'];
    const tools = ['typescript', '@types/node', '@types/react'];
    step(`npm install ${packed!.filename} with ${[...frameworks, ...tools].join(', ')}`);
    run('npm', ['install', path.join(dir, packed!.filename), ...[...frameworks, ...tools].map((name) => `${name}@${versionOf(name)}`), ...NPM_FLAGS], app);
    if (!fs.existsSync(path.join(app, 'node_modules', 'better-sqlite3'))) throw new Error('better-sqlite3 (an optional dependency) was not installed by default');

    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'pieces-backup', 'package.json'), 'utf8')) as Manifest;
    const subpaths = Object.keys(manifest.exports)
      .filter((key) => key !== './package.json')
      .map((key) => path.posix.join('pieces-backup', key));

    step(`node: import ${subpaths.join(', ')}`);
    fs.writeFileSync(
      path.join(app, 'imports.mjs'),
      `${subpaths.map((subpath, index) => `import * as m${index} from '${subpath}';`).join('\n')}\n` +
        `const modules = { ${subpaths.map((subpath, index) => `'${subpath}': m${index}`).join(', ')} };\n` +
        'for (const [name, module] of Object.entries(modules)) {\n' +
        "  if (Object.keys(module).length === 0) throw new Error(`${name} exports nothing`);\n" +
        '  console.log(`${name}: ${Object.keys(module).length} exports`);\n' +
        '}\n',
    );
    process.stdout.write(run(process.execPath, ['imports.mjs'], app));

    fs.writeFileSync(path.join(app, 'uses.ts'), USES);
    fs.writeFileSync(path.join(app, 'uses-browser.ts'), USES_BROWSER);
    for (const [name, module, moduleResolution, types, file] of [
      ['node16', 'node16', 'node16', ['node'], 'uses.ts'],
      ['bundler', 'esnext', 'bundler', ['node'], 'uses.ts'],
      // a browser app has no @types/node: the browser entries must not need it
      ['browser', 'esnext', 'bundler', [], 'uses-browser.ts'],
    ] as const) {
      step(`tsc --noEmit ${file}: module ${module}, moduleResolution ${moduleResolution}, types [${types.join()}], skipLibCheck false`);
      const tsconfig = {
        compilerOptions: { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], types, strict: true, noEmit: true, skipLibCheck: false },
        files: [file],
      };
      fs.writeFileSync(path.join(app, `tsconfig.${name}.json`), JSON.stringify(tsconfig, null, 2));
      run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`], app);
    }

    step('npx pieces-backup serve --port 0, then GET /.well-known/health');
    const server = await serve(app);
    try {
      if (!server.url) throw new Error(`serve did not listen (exit ${server.code}):\n${server.output}`);
      const health = await fetch(`${server.url}/.well-known/health`);
      if (health.status !== 200) throw new Error(`health answered ${health.status}`);
      step(`${server.url}/.well-known/health -> ${health.status} ${(await health.text()).trim()}`);
    } finally {
      server.stop();
    }

    step('without better-sqlite3: serve exits with one line that says so');
    const sqlite = path.join(app, 'node_modules', 'better-sqlite3');
    fs.renameSync(sqlite, `${sqlite}.away`);
    try {
      const without = await serve(app);
      without.stop();
      const lines = without.output.trim().split('\n');
      if (without.url || without.code === 0) throw new Error(`serve ran without better-sqlite3:\n${without.output}`);
      if (lines.length !== 1 || !/needs better-sqlite3/.test(lines[0]!)) throw new Error(`expected one line about better-sqlite3, got:\n${without.output}`);
      step(`  ${lines[0]}`);
    } finally {
      fs.renameSync(`${sqlite}.away`, sqlite);
    }
    step('ok');
  } finally {
    if (keep) step(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Type-checked in the scratch project: each subpath's public types, as a user writes them.
const USES = `import {
  createBackupClient,
  createBackupActor,
  createRestoreMachine,
  discoverDaemon,
  isHttpError,
  type BackupContext,
  type BackupEvent,
  type BackupSnapshot,
} from 'pieces-backup';
import { startEmulator, type Emulator } from 'pieces-backup/emulator';
import { useBackupCore } from 'pieces-backup/react';
import * as vue from 'pieces-backup/vue';
import * as svelte from 'pieces-backup/svelte';
import * as solid from 'pieces-backup/solid';
import * as angular from 'pieces-backup/angular';
import { defineBackupPanel, PiecesBackupPanel } from 'pieces-backup/element';
import * as testing from 'pieces-backup/testing';

export async function main(): Promise<void> {
  const emulator: Emulator = await startEmulator({ port: 0 });
  const client = createBackupClient({ baseUrl: emulator.url });
  const actor = createBackupActor(client);
  const context: BackupContext = actor.getSnapshot().context;
  const start: BackupEvent = { type: 'START' };
  actor.send(start);
  const percentage: number = context.percentage;
  const bytes: Buffer = emulator.admin.readDatabaseBytes();
  const found: string = await discoverDaemon();
  const failure: unknown = new Error('x');
  if (isHttpError(failure)) console.log(failure.status);
  console.log(percentage, bytes.length, found, createRestoreMachine(client).id);
  defineBackupPanel('my-panel');
  const panel: HTMLElement = new PiecesBackupPanel();
  const hook: typeof useBackupCore = useBackupCore;
  const snapshot: BackupSnapshot | undefined = undefined;
  console.log(panel, hook, snapshot, Object.keys({ ...vue, ...svelte, ...solid, ...angular, ...testing }).length);
  await emulator.close();
}
`;

// The browser entries alone, checked without @types/node.
const USES_BROWSER = `import { createBackupClient, createBackupMachine, type BackupSnapshot } from 'pieces-backup';
import { useLifecycle } from 'pieces-backup/react';
import { useBackups } from 'pieces-backup/vue';
import * as svelte from 'pieces-backup/svelte';
import * as solid from 'pieces-backup/solid';
import * as angular from 'pieces-backup/angular';
import { defineBackupPanel } from 'pieces-backup/element';

const machine = createBackupMachine(createBackupClient({ baseUrl: 'http://127.0.0.1:39300' }));
const progress = (snapshot: BackupSnapshot): number => snapshot.context.percentage;
defineBackupPanel();
export { machine, progress, useLifecycle, useBackups, svelte, solid, angular };
`;

main().catch((error: unknown) => {
  process.stderr.write(`scratch-install: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
