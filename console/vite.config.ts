import { defineConfig } from 'vite';

/**
 * The console builds to console/dist (git-ignored). JSX uses React's automatic runtime through
 * Vite's own transform, so no framework plugin is needed. `npm run console:dev` proxies the API
 * to a running `npm start`.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: `http://127.0.0.1:${process.env.OMS_PORT ?? '8000'}`, ws: true },
      '/health': `http://127.0.0.1:${process.env.OMS_PORT ?? '8000'}`,
    },
  },
});
