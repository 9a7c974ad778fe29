import { defineConfig, loadEnv } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The same dist is embedded in the Tauri window and served over HTTP at / by
// `showroom serve`, so asset paths are relative.
export default defineConfig(({ mode }) => {
  // `SHOWROOM_API=http://127.0.0.1:PORT npm run dev` forwards /api and /media to a running
  // `showroom serve`, so the dev server works in a plain browser too.
  const api = loadEnv(mode, '.', 'SHOWROOM_').SHOWROOM_API;
  return {
    base: './',
    plugins: [svelte()],
    clearScreen: false,
    server: {
      port: 5173,
      strictPort: true,
      // The UI imports the shared Fluent files from ../locales (relative to ui/).
      fs: { allow: ['.', '../locales'] },
      proxy: api ? { '/api': api, '/media': api } : undefined,
    },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      sourcemap: false,
    },
  };
});
