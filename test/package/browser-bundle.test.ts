import { beforeAll, describe, expect, it } from 'vitest';
import { bundle } from './bundle.js';
import { sharedPackedPackage, type PackedPackage } from './pack.js';

// Issue #10: the browser entries build for `platform: browser` with no Node built-in and no
// Node-only dependency. esbuild refuses `node:*` and Node's built-ins on that platform, so a
// build that succeeds already says "no built-ins"; the rest is read from what it kept.
let packed: PackedPackage;
beforeAll(async () => {
  packed = await sharedPackedPackage();
}, 300_000);

const FRAMEWORKS = ['react', 'react/*', 'vue', 'svelte', 'svelte/*', 'solid-js', 'solid-js/*', '@angular/core'];
const BROWSER_ENTRIES = ['pieces-backup', 'pieces-backup/react', 'pieces-backup/vue', 'pieces-backup/svelte', 'pieces-backup/solid', 'pieces-backup/angular', 'pieces-backup/element'];
// code of `ws` (its server, its handshake) and of better-sqlite3, should either slip in
const NODE_ONLY_CODE = /WebSocketServer|Sec-WebSocket-Key|better-sqlite3|better_sqlite3|from\s*"node:|require\("node:/;

describe('the browser bundle of the packed package', () => {
  it.each(BROWSER_ENTRIES)('%s builds for the browser with none of ws, better-sqlite3 or node:*', async (entry) => {
    const { code, packages } = await bundle(packed.app, `export * from '${entry}';`, { external: FRAMEWORKS });
    expect(packages).not.toContain('ws');
    expect(packages).not.toContain('better-sqlite3');
    expect(packages.filter((name) => name.includes('emulator') || name.includes('cli/'))).toEqual([]);
    expect(code).not.toMatch(NODE_ONLY_CODE);
    expect(packages.some((name) => name.startsWith('pieces-backup/dist/'))).toBe(true);
  });

  it('replaces the ws fallback with an empty module, and uses the platform WebSocket', async () => {
    const { code, packages } = await bundle(packed.app, "export { createBackupClient } from 'pieces-backup';");
    // the `browser` field maps `ws` to false: what remains is esbuild's empty stand-in
    expect(packages).toContain('(disabled) ws');
    expect(code).toContain('WebSocket');
    expect(code).not.toMatch(NODE_ONLY_CODE);
  });

  it('would fail if the entry reached the emulator (the check above can fail)', async () => {
    await expect(bundle(packed.app, "export * from 'pieces-backup/emulator';")).rejects.toThrow(/node:|Could not resolve/);
  });
});
