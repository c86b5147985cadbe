/**
 * The map's colours for case density: five steps from calm blue to red, the top step at the
 * busiest grid of the month (at least 5, so a quiet month does not paint one case red).
 */

export const DENSITY_COLORS = ['#1d3b6e', '#2f7fb8', '#e6c229', '#f08a24', '#e0412d'] as const

export interface DensityScale {
  max: number
  colors: readonly string[]
}

export function densityScale(counts: readonly number[]): DensityScale {
  const max = Math.max(5, ...counts)
  return { max, colors: DENSITY_COLORS }
}

/** The colour of a grid with `n` cases; no cases is the map's calm base colour. */
export function densityColor(n: number, scale: DensityScale): string {
  if (n <= 0) return '#10264a'
  const step = Math.min(DENSITY_COLORS.length - 1, Math.floor((n / scale.max) * DENSITY_COLORS.length))
  return DENSITY_COLORS[Math.max(0, step)] ?? DENSITY_COLORS[0]
}
