import { fileURLToPath, URL } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

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

/**
 * The files the phone app needs, found from its entry through every import (lazy views
 * included) and their CSS. Filled while the bundle is written; the service worker precaches
 * only these (about a third of the build: the console's Element Plus stays out of the phone).
 */
const mobileFiles = new Set<string>()

function collectMobileFiles(): Plugin {
  return {
    name: 'zongzhi-mobile-files',
    apply: 'build',
    generateBundle(_options, bundle) {
      mobileFiles.clear()
      const visit = (fileName: string): void => {
        if (mobileFiles.has(fileName)) return
        const item = bundle[fileName]
        if (!item) return
        mobileFiles.add(fileName)
        if (item.type !== 'chunk') return
        for (const css of item.viteMetadata?.importedCss ?? []) mobileFiles.add(css)
        for (const asset of item.viteMetadata?.importedAssets ?? []) mobileFiles.add(asset)
        for (const next of [...item.imports, ...item.dynamicImports]) visit(next)
      }
      for (const item of Object.values(bundle)) {
        if (item.type === 'chunk' && item.isEntry && item.name === 'mobile') visit(item.fileName)
      }
      mobileFiles.add('m/index.html')
    },
  }
}

/**
 * The phone's offline shell (/m/): a service worker that precaches the phone app's files, so
 * that every phone form opens without a signal; Django serves it at /m/sw.js (scope /m/). The
 * data the forms need offline (dictionaries, the login, the due visits) is kept by the app
 * itself (src/mobile/lastSeen.ts), not by the worker: the API answers per user and token.
 */
function mobileShell(): Plugin[] {
  return VitePWA({
    strategies: 'generateSW',
    filename: 'm/sw.js',
    scope: '/m/',
    injectRegister: false,
    manifest: false,
    workbox: {
      globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
      globIgnores: ['m/sw.js'],
      // absolute URLs: the worker lives at /m/sw.js, the files under /static/
      modifyURLPrefix: { '': '/static/' },
      manifestTransforms: [
        async (entries) => ({ manifest: entries.filter((e) => mobileFiles.has(e.url.replace(/^\/static\//, ''))), warnings: [] }),
      ],
      navigateFallback: '/static/m/index.html',
      navigateFallbackDenylist: [/^\/api\//, /^\/m\/sw\.js$/],
      inlineWorkboxRuntime: true,
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
      maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    },
  })
}

export default defineConfig(({ command }) => ({
  // Django serves the built assets under /static/; the dev server serves them at the root.
  base: command === 'build' ? '/static/' : '/',
  plugins: [vue(), mobileHistoryFallback(), noRemoteFonts(), collectMobileFiles(), ...mobileShell()],
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
