import type { UnitBrief, WriteMode } from '@/api/types'

/** A village's path has 12 characters; its grids add 3. */
const VILLAGE_PATH_LENGTH = 12

/**
 * How the signed-in user may change the registry records of the unit at `path`: the console's
 * copy of `core.scope.WriteScope.mode`, used only to hide buttons that would fail (the server
 * decides). A unit keeps its own records, a village or grid those below it as well; a record
 * below one of the user's units is read only, unless they may correct lower levels.
 */
export function writeModeOf(path: string, capture: readonly UnitBrief[], view: readonly UnitBrief[], canCorrect: boolean): WriteMode {
  if (!path) return 'none'
  const own = capture.some((u) => u.path === path || (u.path.length >= VILLAGE_PATH_LENGTH && path.startsWith(u.path)))
  if (own) return 'own'
  if (canCorrect && view.some((u) => path.startsWith(u.path))) return 'correction'
  if (capture.some((u) => path.startsWith(u.path))) return 'lower_level'
  return 'none'
}
