/** The window's width, kept current, for layouts that change on a narrow window. */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue'

/** Below this width forms put labels above their fields and dialogs fill the window. */
export const NARROW = 768

export function useViewportWidth(): Ref<number> {
  const width = ref(typeof window === 'undefined' ? 1366 : window.innerWidth)
  const update = (): void => {
    width.value = window.innerWidth
  }
  onMounted(() => window.addEventListener('resize', update, { passive: true }))
  onBeforeUnmount(() => window.removeEventListener('resize', update))
  return width
}
