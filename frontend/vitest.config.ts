import { defineConfig, mergeConfig } from 'vitest/config'
import viteConfig from './vite.config.ts'

export default defineConfig((env) =>
  mergeConfig(viteConfig(env), {
    test: {
      environment: 'jsdom',
      include: ['tests/**/*.spec.ts'],
      css: false,
      server: { deps: { inline: ['element-plus', 'vant'] } },
    },
  }),
)
