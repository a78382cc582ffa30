import path from 'node:path';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const repository = path.resolve(import.meta.dirname, '../..');

export default defineConfig({
  plugins: [solid()],
  resolve: {
    // This example builds the library from the repository's source, so a change there shows
    // at once; a real app runs `npm install pieces-backup` and needs none of these aliases.
    alias: [
      { find: /^pieces-backup\/solid$/, replacement: path.join(repository, 'src/adapters/solid/index.ts') },
      { find: /^pieces-backup$/, replacement: path.join(repository, 'src/index.ts') },
    ],
    // the adapter's own `solid-js` import must reach this app's copy: one runtime, one owner tree
    dedupe: ['solid-js'],
  },
  server: { fs: { allow: [repository] } },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // only Node reaches the library's `ws` fallback: browsers have WebSocket
    rollupOptions: { external: ['ws'] },
  },
});
