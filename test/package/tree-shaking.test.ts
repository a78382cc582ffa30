import { beforeAll, describe, expect, it } from 'vitest';
import { bundle } from './bundle.js';
import { sharedPackedPackage, type PackedPackage } from './pack.js';

// What a user's bundler keeps of the published build when only part of it is imported. The
// published build used to keep all of xstate for `discoverDaemon` alone (one shared chunk built
// the machines at its top level): each layer is its own chunk now (tsup.config.ts).
let packed: PackedPackage;
beforeAll(async () => {
  packed = await sharedPackedPackage();
}, 300_000);

const own = (packages: string[]) => packages.filter((name) => name.startsWith('pieces-backup/'));
const dependencies = (packages: string[]) => packages.filter((name) => !name.startsWith('pieces-backup/') && !name.startsWith('(disabled)'));
// xstate's own event names: in any bundle that carries its interpreter
const XSTATE_MARKERS = /xstate\.(init|stop|error)/;

describe('tree-shaking the packed package', () => {
  it('importing only discoverDaemon brings no dependency at all', async () => {
    const { code, packages } = await bundle(packed.app, "import { discoverDaemon } from 'pieces-backup'; console.log(discoverDaemon);");
    expect(dependencies(packages)).toEqual([]);
    expect(code).not.toMatch(XSTATE_MARKERS);
    expect(code).toContain('/.well-known/health');
  });

  it('importing only createBackupClient brings ky, and neither xstate nor rxjs', async () => {
    const { code, packages } = await bundle(packed.app, "import { createBackupClient } from 'pieces-backup'; console.log(createBackupClient);");
    expect(dependencies(packages)).toEqual(['ky']);
    expect(code).not.toMatch(XSTATE_MARKERS);
    expect(own(packages).length).toBeGreaterThan(0);
  });

  it('importing the streams layer brings rxjs and not xstate', async () => {
    const { code, packages } = await bundle(packed.app, "import { watchOperation } from 'pieces-backup'; console.log(watchOperation);");
    expect(dependencies(packages)).toContain('rxjs');
    expect(dependencies(packages)).not.toContain('xstate');
    expect(code).not.toMatch(XSTATE_MARKERS);
  });

  it('importing a machine does bring xstate (the markers above would see it)', async () => {
    const { code, packages } = await bundle(packed.app, "import { createBackupMachine } from 'pieces-backup'; console.log(createBackupMachine);");
    expect(dependencies(packages)).toContain('xstate');
    expect(code).toMatch(XSTATE_MARKERS);
  });

  it('importing an entry for nothing but its name keeps nothing of it', async () => {
    for (const entry of ['pieces-backup', 'pieces-backup/react', 'pieces-backup/vue', 'pieces-backup/solid', 'pieces-backup/svelte']) {
      const { packages } = await bundle(packed.app, `import '${entry}';`, { external: ['react', 'vue', 'solid-js', 'svelte', 'svelte/*', 'solid-js/*'] });
      expect(packages, entry).toEqual([]);
    }
  });
});
