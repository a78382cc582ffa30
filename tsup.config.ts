import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
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
  },
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
  external: ['better-sqlite3', 'ws', 'vue', 'svelte', 'solid-js', '@angular/core'],
});
