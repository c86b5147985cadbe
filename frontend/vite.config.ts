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

/**
 * Vant's icon font lists a copy on the internet after its own data: URL. The intranet has no
 * internet and the server's CSP (font-src 'self' data:) refuses it, which the browser reports as
 * a violation on every phone page: drop that fallback from Vant's CSS.
 */
function noRemoteFonts(): Plugin {
  return {
    name: 'zongzhi-no-remote-fonts',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0] ?? ''
      if (!file.includes('/node_modules/vant/') || !file.endsWith('.css')) return null
      return { code: code.replace(/,\s*url\((?:https?:)?\/\/[^)]*\)\s*format\("woff"\)/g, ''), map: null }
    },
  }
}

export default defineConfig(({ command }) => ({
  // Django serves the built assets under /static/; the dev server serves them at the root.
  base: command === 'build' ? '/static/' : '/',
  plugins: [vue(), mobileHistoryFallback(), noRemoteFonts()],
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
