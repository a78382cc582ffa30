import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { UsageError } from '../../command/usage-error.js';

// the package's root, the nearest folder up with a package.json: from the source or the build alike
function packageRoot(from: string): string {
  const parent = path.dirname(from);
  return existsSync(path.join(from, 'package.json')) || parent === from ? from : packageRoot(parent);
}
const ROOT = packageRoot(import.meta.dirname);

export interface DashboardOptions {
  /** The Pieces OS (or emulator) the pages talk to; a page's `?daemon=` overrides it. */
  daemonUrl: string;
  /** Default 0: a free port. Always on loopback, so the emulator trusts the pages' origin. */
  port?: number;
}

export interface Dashboard {
  /** `http://127.0.0.1:<port>/`: the React dashboard; `element.html` is the custom element. */
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles `examples/react` and `pieces-backup/element` from the source (esbuild, in memory) and
 * serves them with the daemon's URL injected. A development tool: it needs the repository.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  // an installed package has neither the examples nor esbuild: say so instead of a stack trace
  const missing = new UsageError(
    'the dashboard runs from a clone of the repository (examples/react, bundled with esbuild); ' +
      'here, run `pieces-backup serve` and point your app at it',
  );
  if (!(await fs.stat(path.join(ROOT, 'examples/react/main.tsx')).catch(() => undefined))) throw missing;
  // note: a computed specifier, so tsup leaves esbuild (a dev tool, not a dependency) unbundled
  const esbuild = 'esbuild';
  const { build } = (await import(esbuild).catch(() => {
    throw missing;
  })) as typeof import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [
      { in: 'examples/react/main.tsx', out: 'app' },
      { in: 'src/adapters/element/index.ts', out: 'pieces-backup-element' },
    ],
    alias: {
      'pieces-backup/react': path.join(ROOT, 'src/adapters/react/index.ts'),
      'pieces-backup': path.join(ROOT, 'src/index.ts'),
    },
    // only Node reaches the `ws` fallback: browsers have WebSocket
    external: ['ws'],
    bundle: true,
    write: false,
    outdir: '/',
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const config = `<script>globalThis.PIECES_DAEMON_URL = ${JSON.stringify(options.daemonUrl)};</script>\n`;
  const page = async (file: string) => (await fs.readFile(path.join(ROOT, file), 'utf8')).replace('</head>', `${config}</head>`);
  const files = new Map<string, { type: string; body: string | Uint8Array }>([
    ['/', { type: 'text/html; charset=utf-8', body: await page('examples/react/index.html') }],
    ['/element.html', { type: 'text/html; charset=utf-8', body: await page('examples/element/index.html') }],
  ]);
  for (const output of result.outputFiles) {
    const type = output.path.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    files.set(`/${path.basename(output.path)}`, { type, body: output.contents });
  }

  const server = http.createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\/index\.html$/, '/'));
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
