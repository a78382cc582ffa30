import zlib from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { ROOT } from './pack.js';

export interface Bundle {
  code: string;
  gzipBytes: number;
  /** The packages (`xstate`, `ky`, ...) and the package's own files that put bytes in the output. */
  packages: string[];
}

/**
 * `contents` bundled for the browser from the unpacked package in `app`, as a user's bundler
 * would (minified, `sideEffects` honoured). The package's dependencies resolve from this
 * repository's node_modules: the same versions, no install needed.
 */
export async function bundle(app: string, contents: string, options: BuildOptions = {}): Promise<Bundle> {
  const result = await build({
    stdin: { contents, resolveDir: app, loader: 'js', sourcefile: 'app.js' },
    nodePaths: [`${ROOT}/node_modules`],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    metafile: true,
    logLevel: 'silent',
    ...options,
  });
  const [output] = Object.values(result.metafile!.outputs);
  const packages = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(output!.inputs)) {
    const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(input);
    if (bytesInOutput === 0 || !inPackage) continue;
    // a module the `browser` field maps to `false`: an empty stand-in, named as such
    if (input.startsWith('(disabled):')) packages.add(`(disabled) ${inPackage[1]}`);
    else packages.add(inPackage[1] === 'pieces-backup' ? `pieces-backup/${inPackage[2]}` : inPackage[1]!);
  }
  const code = result.outputFiles![0]!.text;
  return { code, gzipBytes: zlib.gzipSync(code, { level: 9 }).length, packages: [...packages].sort() };
}
