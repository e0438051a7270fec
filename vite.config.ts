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
    // The Ant Design chunk is one on purpose (cached across releases); about 190 kB brotli.
    chunkSizeWarningLimit: 1000,
    // Ant Design is most of the weight: one vendor chunk the browser caches across releases.
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (/node_modules[\\/](antd|@ant-design|rc-|@rc-component)/.test(id)) return 'antd';
          if (/node_modules[\\/](react|react-dom|react-router|scheduler|@tanstack)[\\/]/.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': process.env.API_URL ?? 'http://127.0.0.1:3000' },
  },
});
