/**
 * The big screen's state: the unit shown (from the address, else the user's own), its payload
 * refreshed every 30 s through the poller (the last data stays on screen while the link is down),
 * the map's shapes loaded once per unit, and the canvas scale that fits 1920×1080 to the window.
 */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { isApiError } from '@/api/http'
import { screenApi, type ScreenData, type ScreenMap } from '@/api/screen'
import { createPoller, type LinkState } from './poller'

export const CANVAS_W = 1920
export const CANVAS_H = 1080

/** The scale that fits the fixed canvas into a window, and the offsets that centre it. */
export function fitCanvas(width: number, height: number): { scale: number; left: number; top: number } {
  const scale = Math.min(width / CANVAS_W, height / CANVAS_H)
  return { scale, left: (width - CANVAS_W * scale) / 2, top: (height - CANVAS_H * scale) / 2 }
}

/** A refusal that retrying cannot mend: the login ended or the unit is not the user's to see. */
export function isFinalError(e: unknown): boolean {
  return isApiError(e) && (e.status === 401 || e.status === 403 || e.status === 404)
}

export function useScreen() {
  const route = useRoute()
  const router = useRouter()
  const data = shallowRef<ScreenData | null>(null)
  const shapes = shallowRef<ScreenMap | null>(null)
  const link = ref<LinkState>('loading')
  const finalMessage = ref('')
  const sessionEnded = ref(false)
  const unitId = computed<number | null>(() => {
    const n = Number(route.query.unit)
    return Number.isInteger(n) && n > 0 ? n : null
  })
  let shapesFor: number | null | undefined

  async function loadShapes(unit: number | null): Promise<void> {
    if (shapesFor === unit && shapes.value) return
    try {
      shapes.value = await screenApi.map(unit)
      shapesFor = unit
    } catch {
      /* the map is tried again with the next refresh */
    }
  }

  const poller = createPoller<ScreenData>({
    load: async () => {
      const d = await screenApi.screen(unitId.value)
      void loadShapes(unitId.value)
      return d
    },
    onData: (d) => {
      data.value = d
    },
    onState: (s) => {
      link.value = s
    },
    isFinal: (e) => {
      if (!isFinalError(e)) return false
      sessionEnded.value = isApiError(e) && e.status === 401
      finalMessage.value = isApiError(e) ? e.message : ''
      return true
    },
  })

  function chooseUnit(id: number): void {
    void router.replace({ query: { ...route.query, unit: String(id) } })
  }

  watch(unitId, () => {
    data.value = null
    void poller.refresh()
  })

  const viewport = ref(fitCanvas(window.innerWidth, window.innerHeight))
  function onResize(): void {
    viewport.value = fitCanvas(window.innerWidth, window.innerHeight)
  }
  // Coming back online: try at once rather than at the end of the current back-off.
  function onOnline(): void {
    if (link.value === 'retrying') void poller.refresh()
  }

  onMounted(() => {
    window.addEventListener('resize', onResize)
    window.addEventListener('online', onOnline)
    poller.start()
  })
  onBeforeUnmount(() => {
    window.removeEventListener('resize', onResize)
    window.removeEventListener('online', onOnline)
    poller.stop()
  })

  return { data, shapes, link, finalMessage, sessionEnded, unitId, chooseUnit, viewport }
}
