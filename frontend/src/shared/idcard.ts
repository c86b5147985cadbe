/**
 * Chinese resident ID numbers (GB 11643-1999), checked in the browser with the
 * rules of the server (zongzhi/registry/idcard.py) so a typo shows under the field before the
 * form is sent. The server checks again and stays the authority.
 *
 * An 18-character number is 6 digits of region, 8 of birth date (YYYYMMDD), 3 of sequence (odd
 * for men) and one ISO 7064 MOD 11-2 check character (0-9 or X).
 */

/** The length of a resident ID number (the format, not a storage limit). */
export const ID_CARD_LENGTH = 18

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const
/** Indexed by (weighted sum mod 11). */
const CHECK_CHARS = '10X98765432'

/** Province-level codes that open a region code (GB/T 2260, plus 71, 81, 82 and 83). */
const PROVINCE_CODES: ReadonlySet<string> = new Set(
  [
    ...range(11, 16),
    ...range(21, 24),
    ...range(31, 38),
    ...range(41, 47),
    ...range(50, 55),
    ...range(61, 66),
    71,
    81,
    82,
    83,
  ].map(String),
)

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i)
}

/** Why a number is refused; each has a message under `residents.idError` in the locale. */
export type IdProblem = 'format' | 'oldFormat' | 'region' | 'birthDate' | 'checksum'

export interface IdInfo {
  /** The number as stored: no spaces, a trailing X in upper case. */
  number: string
  /** `YYYY-MM-DD`. */
  birthDate: string
  /** GB/T 2261.1: "1" male, "2" female. */
  sex: '1' | '2'
}

export type IdCheck = { ok: true; info: IdInfo } | { ok: false; problem: IdProblem }

/** The check character (0-9 or X) of the first 17 digits, by ISO 7064 MOD 11-2. */
export function checkDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`checkDigit needs 17 digits, got ${JSON.stringify(first17)}`)
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0)
  return CHECK_CHARS[sum % 11] ?? ''
}

/** Drop all whitespace (the full-width space too) and upper-case a trailing x. */
export function normalizeIdNumber(value: string): string {
  const number = value.replace(/[\s\u3000]+/g, '')
  return number.endsWith('x') ? `${number.slice(0, -1)}X` : number
}

const pad = (n: number): string => String(n).padStart(2, '0')

/** Today's date as `YYYYMMDD` in the browser's time zone. */
function dayKey(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`
}

/**
 * Check an ID number and read its birth date and sex. Steps, as on the server:
 * 1. format: 17 digits and a digit or X (a 15-digit number of the old kind has its own problem);
 * 2. region: the first two digits are a province-level code;
 * 3. birth date: a real date from 1900-01-01 up to `today`;
 * 4. the check character.
 */
export function parseIdNumber(value: string, today: Date = new Date()): IdCheck {
  const number = normalizeIdNumber(value)
  if (/^\d{15}$/.test(number)) return { ok: false, problem: 'oldFormat' }
  if (!/^\d{17}[\dX]$/.test(number)) return { ok: false, problem: 'format' }
  if (!PROVINCE_CODES.has(number.slice(0, 2))) return { ok: false, problem: 'region' }

  const ymd = number.slice(6, 14)
  const year = Number(ymd.slice(0, 4))
  const month = Number(ymd.slice(4, 6))
  const day = Number(ymd.slice(6, 8))
  const date = new Date(year, month - 1, day)
  const real = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day
  if (!real || ymd < '19000101' || ymd > dayKey(today)) return { ok: false, problem: 'birthDate' }

  if (checkDigit(number.slice(0, 17)) !== number[17]) return { ok: false, problem: 'checksum' }
  return {
    ok: true,
    info: {
      number,
      birthDate: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      sex: Number(number[16]) % 2 === 1 ? '1' : '2',
    },
  }
}

/** Age in whole years on `day` (someone born on 29 February turns a year older on 1 March). */
export function ageOn(birthDate: string, day: Date = new Date()): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const before = day.getMonth() + 1 < mo || (day.getMonth() + 1 === mo && day.getDate() < d)
  const age = day.getFullYear() - y - (before ? 1 : 0)
  return age >= 0 ? age : null
}
