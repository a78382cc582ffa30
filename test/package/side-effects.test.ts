// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle } from './bundle.js';
import { sharedPackedPackage, type PackedPackage } from './pack.js';

// Issue #8: package.json `sideEffects` names `./dist/element/*.js`, so that a bare
// `import 'pieces-backup/element'` still defines <pieces-backup-panel> once a bundler has
// dropped everything it thinks unused; every other entry is free of side effects.
let packed: PackedPackage;
beforeAll(async () => {
  packed = await sharedPackedPackage();
}, 300_000);

describe('side effects of the packed package under a real bundler', () => {
  it("`import 'pieces-backup/element'` bundled by esbuild still registers the element", async () => {
    const { code } = await bundle(packed.app, "import 'pieces-backup/element';", { format: 'iife' });
    expect(customElements.get('pieces-backup-panel')).toBeUndefined();
    // run as a page's <script> would, against happy-dom's globals
    new Function(code)();
    const Panel = customElements.get('pieces-backup-panel');
    expect(Panel).toBeTypeOf('function');
    expect(document.createElement('pieces-backup-panel')).toBeInstanceOf(Panel!);
  });

  it('the other entries, imported bare, leave nothing in the bundle', async () => {
    for (const entry of ['pieces-backup', 'pieces-backup/react', 'pieces-backup/vue', 'pieces-backup/svelte', 'pieces-backup/solid', 'pieces-backup/angular']) {
      const { code, packages } = await bundle(packed.app, `import '${entry}';`, {
        external: ['react', 'vue', 'svelte', 'svelte/*', 'solid-js', 'solid-js/*', '@angular/core'],
      });
      expect(packages, entry).toEqual([]);
      expect(code.trim(), entry).toBe('');
    }
  });
});
