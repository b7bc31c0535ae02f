import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { singleFileReport } from './singleFileReport';

/**
 * The shareable report's template, `dist/report.html`: the board in report mode as one file (every script,
 * style and asset inside it), which `ml_board export` and the board's Download report fill with a grid search.
 * Built after the board into the same folder.
 */
export default defineConfig({
  base: './',
  plugins: [react(), singleFileReport()],
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: 'report.html',
      output: { inlineDynamicImports: true },
    },
  },
});
