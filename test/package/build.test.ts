import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Inside the project so the built files resolve their dependencies from node_modules.
const OUT = path.join(ROOT, '.build-test');

// note: tsup with declarations takes about 100 s on two busy cores
beforeAll(() => {
  const tsup = path.join(ROOT, 'node_modules', 'tsup', 'dist', 'cli-default.js');
  const result = spawnSync(process.execPath, [tsup, '--out-dir', OUT], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tsup failed:\n${result.stdout}\n${result.stderr}`);
}, 300_000);

afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

describe('the published package', () => {
  it('builds ESM with type declarations for each entry of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string; import?: string }>;
      bin: Record<string, string>;
    };
    for (const [entry, target] of Object.entries(pkg.exports)) {
      if (!target.import) continue;
      const built = (file: string) => path.join(OUT, path.relative('dist', file));
      expect(fs.existsSync(built(target.import)), `${entry} -> ${target.import}`).toBe(true);
      expect(fs.existsSync(built(target.types!)), `${entry} -> ${target.types}`).toBe(true);
    }
    const bin = fs.readFileSync(path.join(OUT, path.relative('dist', pkg.bin['pieces-backup']!)), 'utf8');
    expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('exports what the README uses from the main entry and the emulator entry', async () => {
    const main = (await import(pathToFileURL(path.join(OUT, 'index.js')).href)) as Record<string, unknown>;
    const readme = ['createBackupClient', 'discoverDaemon', 'createLifecycle', 'createBackupMachine', 'createRestoreMachine', 'createBackupCore', 'shallowEqual'];
    for (const name of readme) expect(typeof main[name], name).toBe('function');
    const emulator = (await import(pathToFileURL(path.join(OUT, 'emulator', 'index.js')).href)) as Record<string, unknown>;
    expect(typeof emulator.startEmulator).toBe('function');
    const declarations = fs.readFileSync(path.join(OUT, 'index.d.ts'), 'utf8');
    expect(declarations).toMatch(/createLifecycle/);
    expect(declarations).not.toMatch(/:\s*any\b/);
  });

  it("keeps the CLI's dependencies and the emulator out of the main entry and every module it imports", () => {
    // follow the built main entry's static imports (its shared chunks) and read them all
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = fs.readFileSync(file, 'utf8');
      for (const [, spec] of code.matchAll(/(?:import|export)[^'"]*?from\s*['"](\.[^'"]+)['"]/g)) {
        visit(path.resolve(path.dirname(file), spec!));
      }
    };
    visit(path.join(OUT, 'index.js'));
    const code = [...seen].map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    for (const dependency of ['commander', 'cli-progress', '@inquirer/confirm', 'better-sqlite3', 'node:child_process']) {
      expect(code.includes(`from '${dependency}'`) || code.includes(`from "${dependency}"`), dependency).toBe(false);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('runs the built bin: serve --port 0 prints its URL and answers health', async () => {
    const child = spawn(process.execPath, [path.join(OUT, 'cli', 'main.js'), 'serve', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${stdout}`)));
      });
      const health = await fetch(`${url}/.well-known/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
