/**
 * The phone's position for a form (a report, a visit): asked for on a button press, written into
 * the form's latitude and longitude (six decimals, about 0.1 m), with a message when the phone
 * cannot or will not tell.
 */
import { ref, type Ref } from 'vue'
import { t } from '@/shared/i18n'

export interface Positioned {
  latitude: number | null
  longitude: number | null
}

export function usePhonePosition(
  form: Positioned,
  failedMessage: string,
): { locating: Ref<boolean>; locateMessage: Ref<string>; locate: () => void } {
  const locating = ref(false)
  const locateMessage = ref('')

  function locate(): void {
    if (!('geolocation' in navigator)) {
      locateMessage.value = t('mobileCases.locateUnsupported')
      return
    }
    locating.value = true
    locateMessage.value = ''
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        form.latitude = Number(pos.coords.latitude.toFixed(6))
        form.longitude = Number(pos.coords.longitude.toFixed(6))
        locating.value = false
      },
      () => {
        locating.value = false
        locateMessage.value = failedMessage
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    )
  }

  return { locating, locateMessage, locate }
}

/**
 * Where a photo was taken, from its EXIF GPS block (exifr reads it in the browser, so this
 * works offline, before the photo is sent); null when no photo says.
 */
export async function photoPosition(files: File[]): Promise<{ latitude: number; longitude: number } | null> {
  const { gps } = await import('exifr')
  for (const file of files) {
    if (!file.type.startsWith('image/')) continue
    try {
      const found = await gps(file)
      if (found && Number.isFinite(found.latitude) && Number.isFinite(found.longitude)) {
        return { latitude: Number(found.latitude.toFixed(6)), longitude: Number(found.longitude.toFixed(6)) }
      }
    } catch {
      /* no EXIF, or not a JPEG/HEIC the reader knows */
    }
  }
  return null
}
