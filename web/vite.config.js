// Builds the app (index.html) and the playground (playground.html) into the Python package.
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  define: { global: 'globalThis' },
  build: {
    outDir: resolve(__dirname, '../parse_clone/web/static'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: { index: resolve(__dirname, 'index.html'), playground: resolve(__dirname, 'playground.html') },
    },
  },
});
