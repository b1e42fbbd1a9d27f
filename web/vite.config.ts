/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// During `npm run dev`, API calls go to a running freshwatch (or the fake API in e2e/fake-api.mjs).
const api = process.env.FRESHWATCH_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', assetsDir: '_app', emptyOutDir: true, sourcemap: process.env.FW_SOURCEMAP === "1", chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': { target: api, changeOrigin: false } } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}', 'e2e/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
  },
});
