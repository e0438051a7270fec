import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web console (web/). `npm run dev:web` serves it with hot reload and sends /api to
// a running API (API_URL, default the one `npm start` runs); `npm start` serves the build.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Ant Design stays split by route (each screen loads the components it uses), so the
    // shared chunk is large by nature; the budget that matters is the compressed first load.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
});
