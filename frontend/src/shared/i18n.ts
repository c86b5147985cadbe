import { createI18n } from 'vue-i18n'
import zhCN, { type MessageSchema } from '@/locales/zh-CN'

export const i18n = createI18n<[MessageSchema], 'zh-CN', false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN },
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

/** Translate outside components (API wrapper, stores, composables). */
export const t = i18n.global.t
