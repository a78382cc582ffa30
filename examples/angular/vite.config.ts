import path from 'node:path';
import angular from '@analogjs/vite-plugin-angular';
import { defineConfig } from 'vite';

const repository = path.resolve(import.meta.dirname, '../..');

export default defineConfig(({ command }) => {
  // An application build even when a test runner starts it (the browser test runs `npm run
  // build`): with VITEST or NODE_ENV=test in the environment the Angular plugin would make its
  // JIT test build, which the page cannot run, and Vite a development one.
  delete process.env.VITEST;
  if (process.env.NODE_ENV === 'test') process.env.NODE_ENV = command === 'build' ? 'production' : 'development';

  return {
    plugins: [angular({ tsconfig: path.join(import.meta.dirname, 'tsconfig.app.json') })],
    resolve: {
      // This example builds the library from the repository's source, so a change there shows
      // at once; a real app runs `npm install pieces-backup` and needs none of these aliases.
      alias: [
        { find: /^pieces-backup\/angular$/, replacement: path.join(repository, 'src/adapters/angular/index.ts') },
        { find: /^pieces-backup$/, replacement: path.join(repository, 'src/index.ts') },
      ],
      // the adapter's own `@angular/core` import must reach this app's copy: one injector tree,
      // one signal graph (the repository root has another copy for the adapter's tests)
      dedupe: ['@angular/core', '@angular/common', 'rxjs'],
    },
    server: { fs: { allow: [repository] } },
    build: {
      outDir: 'dist',
      target: 'es2022',
      // the Angular plugin turns Vite's esbuild step off (it compiles the TypeScript itself),
      // and Vite's default minifier runs in that step
      minify: 'terser',
      // only Node reaches the library's `ws` fallback: browsers have WebSocket
      rollupOptions: { external: ['ws'] },
    },
  };
});
