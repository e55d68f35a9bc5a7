import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Paths come from this file's location, not the working directory: `npm run web:build` runs from the
// repository root, the image builds it elsewhere.
const webDir = fileURLToPath(new URL('.', import.meta.url));

/** The web client, served by the API at /app/ (api/routes/web-app.ts serves `dist`). */
export default defineConfig({
  root: webDir,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
  },
});
