// The package as a new user receives it (issues #10, #19): `npm pack` the built dist; install the
// tarball alone into a scratch browser app and count what it brings (the runtime set, nothing
// native built, in seconds), and check there the one-line message of serve and of the test kit
// without better-sqlite3; then install it into a second app with the frameworks and
// better-sqlite3, import every subpath export from ESM with Node, type-check a file that uses
// them with `node16` and with `bundler` resolution, run `npx pieces-backup serve` and ask it
// for its health. Run by `npm run check:package` after `tsup`:
//   tsx test/package/scratch-install.ts [--keep]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INSTALL_SQLITE } from '../../src/emulator/load-sqlite.js';
import { ROOT } from './pack.js';

const keep = process.argv.includes('--keep');
/**
 * What a browser app gets with the package: itself, commander, ky, rxjs (and its tslib), ws and
 * xstate. One spare for a dependency's own new dependency; more is a regression (issue #19).
 */
const MAX_BROWSER_PACKAGES = 8;
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

interface InstalledPackage {
  hasInstallScript?: boolean;
}

/** Package directories under `node_modules` (scoped ones included) that hold a native build or its recipe. */
function nativeBuilds(modules: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isFile() && (entry.name === 'binding.gyp' || entry.name.endsWith('.node'))) found.push(path.relative(modules, file));
      else if (entry.isDirectory() && depth < 6) walk(file, depth + 1);
    }
  };
  walk(modules, 0);
  return found;
}

/**
 * A browser app whose package.json names only pieces-backup: what `npm install` brings, how
 * long it takes, that nothing native is built, and that the emulator's one line says how to get
 * better-sqlite3 when it is missing.
 */
async function browserApp(dir: string, tarball: string): Promise<void> {
  const app = path.join(dir, 'browser-app');
  fs.mkdirSync(app);
  fs.writeFileSync(
    path.join(app, 'package.json'),
    JSON.stringify({ name: 'scratch-browser-app', private: true, type: 'module', dependencies: { 'pieces-backup': `file:${tarball}` } }, null, 2),
  );
  step('browser app: npm install --foreground-scripts (package.json: pieces-backup only)');
  const started = performance.now();
  const output = run('npm', ['install', '--foreground-scripts', ...NPM_FLAGS.filter((flag) => !flag.startsWith('--loglevel'))], app);
  const seconds = (performance.now() - started) / 1000;
  const modules = path.join(app, 'node_modules');
  const lock = JSON.parse(fs.readFileSync(path.join(modules, '.package-lock.json'), 'utf8')) as { packages: Record<string, InstalledPackage> };
  const installed = Object.keys(lock.packages).filter((key) => key !== '').map((key) => key.replace(/^.*node_modules\//, ''));
  const scripted = Object.entries(lock.packages).filter(([, entry]) => entry.hasInstallScript === true).map(([key]) => key);
  const native = nativeBuilds(modules);
  step(`browser app: ${installed.length} packages in ${seconds.toFixed(1)} s (${installed.sort().join(', ')}); install scripts: ${scripted.length}; native files: ${native.length}`);
  if (installed.length > MAX_BROWSER_PACKAGES) throw new Error(`a browser app installs ${installed.length} packages, more than ${MAX_BROWSER_PACKAGES}: ${installed.join(', ')}`);
  if (scripted.length > 0) throw new Error(`a browser app runs install scripts: ${scripted.join(', ')}\n${output}`);
  if (native.length > 0) throw new Error(`a browser app gets native code or its recipe: ${native.join(', ')}`);
  for (const absent of ['better-sqlite3', '@inquirer/confirm', 'cli-progress']) {
    if (installed.includes(absent)) throw new Error(`a browser app installs ${absent}`);
  }

  step('browser app, without better-sqlite3: serve exits with one line that says how to install it');
  const without = await serve(app);
  without.stop();
  const lines = without.output.trim().split('\n');
  if (without.url || without.code === 0) throw new Error(`serve ran without better-sqlite3:\n${without.output}`);
  if (lines.length !== 1 || !/needs better-sqlite3/.test(lines[0]!) || !lines[0]!.includes(INSTALL_SQLITE)) {
    throw new Error(`expected one line about better-sqlite3 with \`${INSTALL_SQLITE}\`, got:\n${without.output}`);
  }
  step(`  ${lines[0]}`);

  step('browser app, without better-sqlite3: the emulator entry and the test kit reject with the same line');
  fs.writeFileSync(
    path.join(app, 'kit.mjs'),
    "import { startEmulator } from 'pieces-backup/emulator';\n" +
      "import { startTestDaemon } from 'pieces-backup/testing';\n" +
      'for (const start of [() => startEmulator({ port: 0 }), () => startTestDaemon()]) {\n' +
      '  const error = await start().then(() => null, (caught) => caught);\n' +
      "  if (!error) throw new Error('started without better-sqlite3');\n" +
      '  console.log(`${error.name}: ${error.message}`);\n' +
      '}\n',
  );
  const messages = run(process.execPath, ['kit.mjs'], app).trim().split('\n');
  for (const message of messages) {
    if (!message.includes(INSTALL_SQLITE)) throw new Error(`expected \`${INSTALL_SQLITE}\` in: ${message}`);
    step(`  ${message}`);
  }
  if (messages.length !== 2) throw new Error(`expected two messages, got:\n${messages.join('\n')}`);
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

    await browserApp(dir, path.join(dir, packed!.filename));

    const app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module' }, null, 2));
    const frameworks = ['react', 'vue', 'svelte', 'solid-js', '@angular/core'];
    // better-sqlite3: the emulator's optional peer, installed as the README says
    const tools = ['typescript', '@types/node', '@types/react', 'better-sqlite3'];
    step(`npm install ${packed!.filename} with ${[...frameworks, ...tools].join(', ')}`);
    run('npm', ['install', path.join(dir, packed!.filename), ...[...frameworks, ...tools].map((name) => `${name}@${versionOf(name)}`), ...NPM_FLAGS], app);
    if (!fs.existsSync(path.join(app, 'node_modules', 'better-sqlite3'))) throw new Error('better-sqlite3 was not installed');

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

    step('ok');
  } finally {
    if (keep) step(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Type-checked in the scratch project: each subpath's public types, as a user writes them.
const USES = `import {
  createBackupClient,
  createLifecycle,
  createRestoreMachine,
  discoverDaemon,
  isPiecesBackupError,
  type BackupEvent,
  type BackupSnapshot,
  type LifecycleContext,
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
  const actor = createLifecycle(client, 'creation');
  const context: LifecycleContext = actor.getSnapshot().context;
  const start: BackupEvent = { type: 'START' };
  actor.start();
  const percentage: number = context.percentage;
  const bytes: Buffer = emulator.admin.readDatabaseBytes();
  const found: string = await discoverDaemon();
  const failure: unknown = new Error('x');
  if (isPiecesBackupError(failure, 'HttpError')) console.log(failure.status);
  console.log(start.type, percentage, bytes.length, found, createRestoreMachine(client).id);
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
