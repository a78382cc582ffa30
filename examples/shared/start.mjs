#!/usr/bin/env node
// The one command of every Vite-based example: `npm start` in examples/<name> runs
// `node ../shared/start.mjs`, which starts the emulator with sample data (or uses the Pieces OS
// given with `--url`) and the example's own Vite dev server on loopback, then prints one URL.
//
//   npm start                                   emulator on a free port, sample assets, slow transfers
//   npm start -- --url http://127.0.0.1:39300   a real Pieces OS instead of the emulator
//   npm start -- --port 5200                    the dev server's port (default: 5173, or the next free one)
//
// The page learns the daemon's URL from `globalThis.PIECES_DAEMON_URL`, injected into
// index.html here; a `?daemon=` query parameter on the page still wins.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPOSITORY = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = process.cwd();
const USAGE = 'usage: npm start [-- --url DAEMON_URL] [--port N] [--rate BYTES_PER_S]';

/** `--url`, `--port`, `--rate`: anything else is a mistake worth stopping for. */
function parseArgs(args) {
  const options = { url: undefined, port: 5173, rate: 200_000 };
  for (let index = 0; index < args.length; index += 1) {
    const flag = args[index];
    const value = args[index + 1];
    if (flag === '--help' || flag === '-h') exit(USAGE, 0);
    if (!['--url', '--port', '--rate'].includes(flag)) exit(`unknown option ${flag}\n${USAGE}`);
    if (value === undefined || value.startsWith('--')) exit(`${flag} needs a value\n${USAGE}`);
    index += 1;
    if (flag === '--url') {
      if (!URL.canParse(value)) exit(`--url: not a URL: ${value}`);
      options.url = value.replace(/\/+$/, '');
    } else {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1) exit(`${flag} must be a positive integer, got ${value}`);
      options[flag.slice(2)] = number;
    }
  }
  return options;
}

function exit(message, code = 1) {
  (code === 0 ? console.log : console.error)(message);
  process.exit(code);
}

/** The example's own Vite (its devDependency), so each example runs the version it locks. */
async function importVite() {
  let entry;
  try {
    entry = createRequire(path.join(EXAMPLE, 'package.json')).resolve('vite');
  } catch {
    exit(`vite is not installed in ${EXAMPLE}: run \`npm install\` there first (or \`npm run examples:install\` at the root)`);
  }
  return import(pathToFileURL(entry).href);
}

/**
 * The emulator from the repository's source, in a child process (`tsx src/cli/main.ts serve`):
 * the example's Node process then holds only Vite. Resolves with its URL once it listens.
 */
function startEmulator(rate) {
  const tsx = path.join(REPOSITORY, 'node_modules/tsx/dist/cli.mjs');
  if (!fs.existsSync(tsx)) exit(`the emulator runs from the repository's source: run \`npm install\` in ${REPOSITORY} first`);
  const child = spawn(process.execPath, [tsx, path.join(REPOSITORY, 'src/cli/main.ts'), 'serve', '--port', '0', '--rate', String(rate)], {
    cwd: REPOSITORY,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /listening on (\S+)/.exec(output);
      if (!match) return;
      child.stdout.off('data', onData);
      // keep draining, so a chatty emulator never blocks on a full pipe
      child.stdout.resume();
      resolve({ url: match[1], close: () => stopChild(child) });
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    // however this process ends (Vite exits on SIGTERM by itself), the emulator goes with it
    process.once('exit', () => child.kill('SIGTERM'));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the emulator exited (code ${code}) before listening:\n${output}`)));
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Puts the daemon's URL in the page before any module runs. */
function daemonUrlPlugin(daemonUrl) {
  return {
    name: 'pieces-daemon-url',
    transformIndexHtml: () => [
      { tag: 'script', children: `globalThis.PIECES_DAEMON_URL = ${JSON.stringify(daemonUrl)};`, injectTo: 'head-prepend' },
    ],
  };
}

const options = parseArgs(process.argv.slice(2));
const { createServer } = await importVite();
const emulator = options.url ? undefined : await startEmulator(options.rate);
const daemonUrl = options.url ?? emulator.url;

let server;
try {
  server = await createServer({
    root: EXAMPLE,
    // Vite's own banner would print several URLs; this script prints the one to open
    logLevel: 'warn',
    clearScreen: false,
    plugins: [daemonUrlPlugin(daemonUrl)],
    // loopback only: the emulator trusts loopback origins, and nothing else should reach the page
    server: { host: '127.0.0.1', port: options.port, strictPort: false },
  });
  await server.listen();
} catch (error) {
  await emulator?.close();
  throw error;
}

const pageUrl = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${server.config.server.port}/`;
console.log(emulator ? `emulator (sample data) at ${daemonUrl}` : `Pieces OS at ${daemonUrl}`);
console.log(`open ${pageUrl}  (Ctrl+C to stop)`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // asked to stop is a clean end: Vite's own SIGTERM handler keeps an exit code already set
  process.exitCode = 0;
  await Promise.allSettled([server.close(), emulator?.close()]);
  process.exit();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
