import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, runnerImport, type Plugin } from 'vite';

const ANTD_STYLES = 'virtual:antd-styles.css';

/**
 * Ant Design's stylesheet for the console's theme, made at build time by rendering every
 * component under that theme (the console runs antd with `zeroRuntime`, generating none at
 * run time). Made from the theme object itself, so a change of theme cannot leave it stale.
 */
function antdStaticStyles(): Plugin {
  let css: string | undefined;
  return {
    name: 'xuncha:antd-static-styles',
    resolveId: (id) => (id === ANTD_STYLES ? `\0${ANTD_STYLES}` : undefined),
    async load(id) {
      if (id !== `\0${ANTD_STYLES}`) return undefined;
      // Imported through Vite (it is TypeScript with JSX types) rather than by this file, which
      // the Node project type-checks: React's types there would declare its DOM interfaces empty.
      const generator = fileURLToPath(new URL('web/src/app/antd-static-styles.ts', import.meta.url));
      css ??= (await runnerImport<{ antdStaticStyles(): string }>(generator, { configFile: false, logLevel: 'warn' })).module.antdStaticStyles();
      this.addWatchFile(generator);
      return css;
    },
  };
}

// The web console (web/). `npm run dev:web` serves it with hot reload and sends /api to
// a running API (API_URL, default the one `npm start` runs); `npm start` serves the build.
export default defineConfig({
  root: 'web',
  plugins: [react(), antdStaticStyles()],
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
