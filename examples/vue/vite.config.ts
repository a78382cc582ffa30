import path from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const repository = path.resolve(import.meta.dirname, '../..');

export default defineConfig({
  plugins: [vue()],
  resolve: {
    // This example builds the library from the repository's source, so a change there shows
    // at once; a real app runs `npm install pieces-backup` and needs none of these aliases.
    alias: [
      { find: /^pieces-backup\/vue$/, replacement: path.join(repository, 'src/adapters/vue/index.ts') },
      { find: /^pieces-backup$/, replacement: path.join(repository, 'src/index.ts') },
    ],
    // the adapter's own `vue` import must reach this app's copy, not the repository root's
    // (kept there for the adapter's tests): one reactivity system, one provide/inject tree
    dedupe: ['vue'],
  },
  server: { fs: { allow: [repository] } },
  build: {
    outDir: 'dist',
    target: 'es2022',
    // only Node reaches the library's `ws` fallback: browsers have WebSocket
    rollupOptions: { external: ['ws'] },
  },
});
