// Builds the single-page app into frontend/dist (hashed files under dist/assets) and, in
// development, proxies the API to a local `partners serve` as if the page came from its origin.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
  },
  css: {
    preprocessorOptions: {
      scss: {
        // nhsuk-frontend warns about its own deprecated colour names; they are not ours to fix.
        quietDeps: true,
      },
    },
  },
  server: {
    proxy: {
      '/api': {
        target: 'http://127.0.0.1:8080',
                // The backend refuses state-changing requests from other origins, so present the
        // dev server's requests as coming from the backend's own public URL.
        headers: { origin: 'http://localhost:8080' },
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.ts'],
  },
});
