/**
 * What the unit map, the position picker and the places map share: a Leaflet map with the
 * server's local tile layer if it names one (the intranet has no internet), a unit's boundaries
 * drawn beneath, and a map that fits itself again once it first has a size (it may be laid out in
 * a dialog that is still opening, or in a hidden tab).
 */
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref, type ShallowRef } from 'vue'
import L from 'leaflet'
import type { GeoJsonObject } from 'geojson'
import type { FeatureCollection, UnitFeatureProps } from '@/api/types'

/** Where a map looks when there is nothing to show (the demo district). */
export const FALLBACK_CENTER: L.LatLngTuple = [32.06, 118.79]

export interface MapOptions {
  /** The tile server's address; the tiles follow it when it changes. */
  tileUrl: () => string | null
  attribution: () => string
  /** Draw dots on a canvas (many markers). */
  preferCanvas?: boolean
  /** Leaflet's own options where this map differs from the defaults below. */
  leaflet?: L.MapOptions
  /** Draw the component's layers and wire its events, once the map exists. */
  setup: (map: L.Map) => void
  /** Look at what the component shows; called once drawn and again when the map first has a size. */
  fit: () => void
}

export function useLeafletMap(el: Ref<HTMLDivElement | null>, options: MapOptions): ShallowRef<L.Map | null> {
  const map = shallowRef<L.Map | null>(null)
  let tiles: L.TileLayer | null = null
  let observer: ResizeObserver | null = null
  let lastWidth = 0

  function setTiles(m: L.Map): void {
    tiles?.remove()
    const url = options.tileUrl()
    tiles = url ? L.tileLayer(url, { attribution: options.attribution(), maxZoom: 19 }).addTo(m) : null
  }

  onMounted(() => {
    if (!el.value) return
    // quarter zoom steps: a unit's boundaries fill a small map instead of half of it
    const m = L.map(el.value, {
      zoomControl: true,
      attributionControl: Boolean(options.tileUrl()),
      preferCanvas: options.preferCanvas ?? false,
      center: FALLBACK_CENTER,
      zoom: 11,
      zoomSnap: 0.25,
      ...options.leaflet,
    })
    setTiles(m)
    map.value = m
    options.setup(m)
    options.fit()
    if (typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => {
        const w = el.value?.clientWidth ?? 0
        if (w > 0 && w !== lastWidth) {
          const first = lastWidth === 0
          lastWidth = w
          map.value?.invalidateSize()
          if (first) options.fit()
        }
      })
      observer.observe(el.value)
    }
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    map.value?.remove()
    map.value = null
  })

  watch(options.tileUrl, () => {
    if (map.value) setTiles(map.value)
  })

  return map
}

export interface BoundaryStyle {
  /** The other units' outline and fill (the unit itself is a dashed dark outline). */
  color: string
  weight: number
  fillOpacity: number
  /** The class of the grids' names. */
  labelClass: string
}

/** A unit's boundaries as a layer on `map` (null when there are none): grids named on the map,
 * larger areas (a county's townships) would crowd it, so named on hover. Interactive for those
 * names; a click still reaches the map (it bubbles). */
export function boundaryLayer(map: L.Map, data: FeatureCollection | null, style: BoundaryStyle): L.GeoJSON | null {
  if (!data || data.features.length === 0) return null
  return L.geoJSON(data as unknown as GeoJsonObject, {
    style: (f) => {
      const own = (f?.properties as UnitFeatureProps | undefined)?.is_self
      return own
        ? { color: '#303133', weight: 2, dashArray: '6 4', fillOpacity: 0 }
        : { color: style.color, weight: style.weight, fillOpacity: style.fillOpacity }
    },
    onEachFeature: (feature, layer) => {
      const p = feature.properties as UnitFeatureProps
      if (!p.is_self) layer.bindTooltip(p.name, { permanent: p.level === 'grid', direction: 'center', className: style.labelClass })
    },
  }).addTo(map)
}
