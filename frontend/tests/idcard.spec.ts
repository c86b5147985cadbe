import { describe, expect, it } from 'vitest'
import { ageOn, checkDigit, normalizeIdNumber, parseIdNumber } from '@/shared/idcard'

// Check characters computed by the server's zongzhi/registry/idcard.py::check_digit.
const SERVER_CHECKS: Record<string, string> = {
  '32011119850312123': '0',
  '11010519491231002': 'X',
  '32011119900101001': '7',
  '44052418800101001': '4',
  '32011120000229002': '8',
  '32011119991231009': '6',
}
const TODAY = new Date(2026, 5, 1)

describe('GB 11643 check character (ISO 7064 MOD 11-2)', () => {
  it('agrees with the server', () => {
    for (const [first17, check] of Object.entries(SERVER_CHECKS)) expect(checkDigit(first17)).toBe(check)
  })
  it('refuses anything but 17 digits', () => {
    expect(() => checkDigit('1234')).toThrow(RangeError)
    expect(() => checkDigit('3201111985031212X')).toThrow(RangeError)
  })
})

describe('parseIdNumber', () => {
  it('reads the birth date and sex of a valid number', () => {
    expect(parseIdNumber('320111198503121230', TODAY)).toEqual({ ok: true, info: { number: '320111198503121230', birthDate: '1985-03-12', sex: '1' } })
    const x = parseIdNumber('11010519491231002X', TODAY)
    expect(x).toEqual({ ok: true, info: { number: '11010519491231002X', birthDate: '1949-12-31', sex: '2' } })
  })
  it('accepts a lower-case x and spaces, the full-width one too', () => {
    expect(normalizeIdNumber(' 110105 19491231 002x\u3000')).toBe('11010519491231002X')
    expect(parseIdNumber('110105 1949 1231 002x', TODAY).ok).toBe(true)
  })
  it('says what is wrong, step by step as the server does', () => {
    const problem = (v: string): string | null => {
      const r = parseIdNumber(v, TODAY)
      return r.ok ? null : r.problem
    }
    expect(problem('320111198503121231')).toBe('checksum')
    expect(problem('32011119850312123')).toBe('format')
    expect(problem('3201111985031212Y0')).toBe('format')
    expect(problem('320111850312123')).toBe('oldFormat')
    expect(problem('990111198503121230')).toBe('region')
    expect(problem(`32011119850230123${checkDigit('32011119850230123')}`)).toBe('birthDate')
    expect(problem(`32011118991231123${checkDigit('32011118991231123')}`)).toBe('birthDate')
    expect(problem(`32011120260602123${checkDigit('32011120260602123')}`)).toBe('birthDate') // after "today"
    expect(problem(`32011120260601123${checkDigit('32011120260601123')}`)).toBeNull() // born today
  })
  it('knows leap years', () => {
    expect(parseIdNumber('320111200002290028', TODAY).ok).toBe(true)
    expect(parseIdNumber(`32011119000229002${checkDigit('32011119000229002')}`, TODAY).ok).toBe(false)
  })
})

describe('ageOn', () => {
  it('counts whole years', () => {
    expect(ageOn('1985-03-12', new Date(2026, 2, 11))).toBe(40)
    expect(ageOn('1985-03-12', new Date(2026, 2, 12))).toBe(41)
    expect(ageOn('2000-02-29', new Date(2025, 1, 28))).toBe(24)
    expect(ageOn('2000-02-29', new Date(2025, 2, 1))).toBe(25)
    expect(ageOn('bad', TODAY)).toBeNull()
  })
})
