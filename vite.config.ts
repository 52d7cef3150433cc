import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// The installable web app (vite-plugin-pwa over Workbox): a manifest named 县域健康 with the icons of
// scripts/make-icons.mjs, and a service worker that precaches the app shell (HTML, scripts, styles,
// icons) so the pages open without the network. No /api (personal data), /fhir, /oauth or /healthz
// answer is cached, and a navigation to them never falls back to the cached shell.
const pwa = VitePWA({
  registerType: 'autoUpdate',
  injectRegister: 'script-defer',
  includeAssets: ['icons/apple-touch-icon.png'],
  manifest: {
    id: '/', name: '县域健康', short_name: '县域健康', lang: 'zh-CN', description: '县域整合型医疗卫生服务平台 Meridian：居民健康档案、家庭医生签约、预约',
    start_url: '/', scope: '/', display: 'standalone', background_color: '#ffffff', theme_color: '#16774d',
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
      { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,png,svg,woff2}'],
    maximumFileSizeToCacheInBytes: 6 * 1024 * 1024,
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/api\//, /^\/fhir\//, /^\/oauth\//, /^\/healthz/, /^\/docs/],
    runtimeCaching: [],
    cleanupOutdatedCaches: true,
  },
});

export default defineConfig({
  root: 'src/web',
  plugins: [react(), pwa],
  build: { outDir: '../../dist/web', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: { port: 5173, proxy: { '/api': 'http://127.0.0.1:3000', '/healthz': 'http://127.0.0.1:3000' } },
});
