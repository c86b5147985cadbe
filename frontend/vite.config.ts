import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

const root = fileURLToPath(new URL('.', import.meta.url))

/**
 * In development, send every HTML navigation under /m/ to the mobile entry, so that
 * vue-router's history mode works on reload (Django does the same in production).
 */
function mobileHistoryFallback(): Plugin {
  return {
    name: 'zongzhi-mobile-history-fallback',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? ''
        const accept = req.headers.accept ?? ''
        if ((url === '/m' || url.startsWith('/m/')) && accept.includes('text/html') && !url.includes('.')) {
          req.url = '/m/index.html'
        }
        next()
      })
    },
  }
}

export default defineConfig(({ command }) => ({
  // Django serves the built assets under /static/; the dev server serves them at the root.
  base: command === 'build' ? '/static/' : '/',
  plugins: [vue(), mobileHistoryFallback()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
    __INTLIFY_JIT_COMPILATION__: true,
    __INTLIFY_DROP_MESSAGE_COMPILER__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        console: `${root}index.html`,
        mobile: `${root}m/index.html`,
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
}))
