import path from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const repository = path.resolve(import.meta.dirname, '../..');

export default defineConfig({
  plugins: [svelte()],
  resolve: {
    // This example builds the library from the repository's source, so a change there shows
    // at once; a real app runs `npm install pieces-backup` and needs none of these aliases.
    alias: [
      { find: /^pieces-backup\/svelte$/, replacement: path.join(repository, 'src/adapters/svelte/index.ts') },
      { find: /^pieces-backup$/, replacement: path.join(repository, 'src/index.ts') },
    ],
    // the adapter's own `svelte` import must reach this app's copy, not the repository root's
    // (kept there for the adapter's tests): one runtime, one component context tree
    dedupe: ['svelte'],
  },
  server: { fs: { allow: [repository] } },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // only Node reaches the library's `ws` fallback: browsers have WebSocket
    rollupOptions: { external: ['ws'] },
  },
});
