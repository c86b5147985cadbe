/**
 * Display helpers for personal information. The server masks what it sends; these helpers mask
 * anything the client holds (for example a number just typed) the same way.
 */

/** `13812345678` → `138****5678`; shorter values keep their first and last characters. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return ''
  const p = phone.trim()
  if (p.length >= 11) return `${p.slice(0, 3)}****${p.slice(-4)}`
  if (p.length <= 2) return '*'.repeat(p.length)
  return `${p.slice(0, 1)}${'*'.repeat(p.length - 2)}${p.slice(-1)}`
}

/** 18-digit citizen ID: keep the first 6 and last 4 characters. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return ''
  const v = id.trim()
  if (v.length <= 10) return `${v.slice(0, 1)}${'*'.repeat(Math.max(v.length - 2, 0))}${v.slice(-1)}`
  // As the server masks (core/masking.py): 3201**********1234.
  return `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}`
}

export function isMasked(value: string | null | undefined): boolean {
  return !!value && value.includes('*')
}
