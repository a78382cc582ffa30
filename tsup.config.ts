import { defineConfig } from 'tsup';

// The public entries: one a subpath of package.json `exports`.
const entries = {
  index: 'src/index.ts',
  'emulator/index': 'src/emulator/index.ts',
  'testing/index': 'src/testing/index.ts',
  'cli/main': 'src/cli/main.ts',
  'react/index': 'src/adapters/react/index.ts',
  'vue/index': 'src/adapters/vue/index.ts',
  'svelte/index': 'src/adapters/svelte/index.ts',
  'solid/index': 'src/adapters/solid/index.ts',
  'angular/index': 'src/adapters/angular/index.ts',
  'element/index': 'src/adapters/element/index.ts',
};

// note: esbuild puts the modules reached by the same set of entries into one chunk. With the
// public entries alone, transport, streams and machines form one chunk, and its top-level
// `setup(...).createMachine(...)` keeps xstate in any bundle that imports the transport. One
// entry a layer gives each layer its own chunk, which a bundler drops whole when nothing of it
// is used (`sideEffects` in package.json). Not exported: `dist/layers/*` are build artefacts.
// test/package/tree-shaking.test.ts holds this to account.
const layers = {
  'layers/api': 'src/api/index.ts',
  'layers/streams': 'src/streams/index.ts',
  'layers/machines': 'machines/index.ts',
  'layers/core': 'src/core/index.ts',
};

export default defineConfig({
  entry: { ...entries, ...layers },
  format: ['esm'],
  dts: { entry: entries },
  clean: true,
  target: 'node20',
  // Node-only (better-sqlite3, ws) and the frameworks the adapters bind to: the user's copy.
  external: ['better-sqlite3', 'ws', 'vue', 'svelte', 'solid-js', '@angular/core'],
});
