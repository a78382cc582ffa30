/**
 * `core_gzip_bytes` / `own_gzip_bytes` and the same per adapter entry: each entry bundled for
 * the browser by esbuild (ESM, minified), gzip level 9. "With dependencies" bundles xstate,
 * rxjs and ky in; "own" leaves every package external. A framework adapter's framework
 * (react, vue, ...) is an optional peer the app already has: external in both.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { benchDir, figure, type Figure, type Profile } from './figures.js';

const root = path.join(benchDir, '..');

const ENTRIES: Record<string, string> = {
  core: 'src/index.ts',
  react: 'src/adapters/react/index.ts',
  vue: 'src/adapters/vue/index.ts',
  svelte: 'src/adapters/svelte/index.ts',
  solid: 'src/adapters/solid/index.ts',
  angular: 'src/adapters/angular/index.ts',
  element: 'src/adapters/element/index.ts',
};

const FRAMEWORKS = ['react', 'react-dom', 'vue', 'svelte', 'svelte/*', 'solid-js', 'solid-js/*', '@angular/core', '@angular/*'];

/** Which part of the code a bundled input is: a package, or a folder of this project. */
function partOf(input: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (pkg) return pkg[1]!;
  const parts = input.split('/');
  return parts[0] === 'src' ? parts.slice(0, 2).join('/') : parts[0]!;
}

interface Size {
  gzip: number;
  minified: number;
  /** Minified bytes each part puts in the bundle: what a capability costs. */
  minifiedByPart: Record<string, number>;
}

async function gzipBytes(entry: string, dependencies: 'bundled' | 'external'): Promise<Size> {
  const result = await build({
    entryPoints: [path.join(root, entry)],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    metafile: true,
    ...(dependencies === 'external' ? { packages: 'external' as const } : { external: FRAMEWORKS }),
  });
  const code = result.outputFiles[0]!.contents;
  const minifiedByPart: Record<string, number> = {};
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = partOf(path.relative(root, path.resolve(root, input)));
      minifiedByPart[part] = (minifiedByPart[part] ?? 0) + bytesInOutput;
    }
  }
  const sorted = Object.fromEntries(Object.entries(minifiedByPart).sort((a, b) => b[1] - a[1]));
  return { gzip: gzipSync(code, { level: 9 }).length, minified: code.length, minifiedByPart: sorted };
}

export async function sizes(_profile: Profile): Promise<Record<string, Figure>> {
  const figures: Record<string, Figure> = {};
  for (const [name, entry] of Object.entries(ENTRIES)) {
    const bundled = await gzipBytes(entry, 'bundled');
    const own = await gzipBytes(entry, 'external');
    const top = (size: Size) =>
      `minified bytes by part: ${Object.entries(size.minifiedByPart)
        .filter(([, bytes]) => bytes > 0)
        .map(([part, bytes]) => `${part} ${bytes}`)
        .join(', ')}`;
    figures[`${name}_gzip_bytes`] = figure(
      bundled.gzip,
      'bytes',
      { max: 30_000 },
      1,
      `${entry} bundled by esbuild for the browser (esm, minified) with xstate, rxjs and ky${name === 'core' ? '' : ' (its framework external)'}, gzip -9`,
      { why: top(bundled), details: { minifiedBytes: bundled.minified, minifiedByPart: bundled.minifiedByPart } },
    );
    figures[name === 'core' ? 'own_gzip_bytes' : `${name}_own_gzip_bytes`] = figure(
      own.gzip,
      'bytes',
      { max: 8_000 },
      1,
      `${entry} and the project code it imports, every package external, esbuild (esm, minified), gzip -9`,
      { why: top(own), details: { minifiedBytes: own.minified, minifiedByPart: own.minifiedByPart } },
    );
  }
  return figures;
}
