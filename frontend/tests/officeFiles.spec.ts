import { describe, expect, it } from 'vitest'
import { OFFICE_ACCEPT, PHOTO_ACCEPT, checkOfficeFile, officeFileKind } from '@/console/views/office/shared/officeFiles'
import { queryId } from '@/console/views/office/shared/useQueryRecord'

describe('office record files', () => {
  it('takes photos, PDF, Word and Excel files for records, photos only for a portrait', () => {
    expect(officeFileKind({ name: 'minutes.docx', type: '', size: 1 })).toBe('document')
    expect(officeFileKind({ name: 'a.jpg', type: 'image/jpeg', size: 1 })).toBe('image')
    for (const name of ['a.pdf', 'b.doc', 'c.docx', 'd.xls', 'e.XLSX', 'f.jpg', 'g.png']) {
      expect(checkOfficeFile({ name, type: '', size: 10 }, OFFICE_ACCEPT)).toBeNull()
    }
    expect(checkOfficeFile({ name: 'a.exe', type: 'application/x-msdownload', size: 10 })).toContain('a.exe')
    expect(checkOfficeFile({ name: 'a.pdf', type: 'application/pdf', size: 10 }, PHOTO_ACCEPT)).toContain('a.pdf')
    expect(checkOfficeFile({ name: 'a.png', type: 'image/png', size: 10 }, PHOTO_ACCEPT)).toBeNull()
    expect(checkOfficeFile({ name: 'big.pdf', type: 'application/pdf', size: 31 * 1024 * 1024 })).toContain('30MB')
  })
})

describe('?id= from the calendar and the ledgers', () => {
  it('reads one positive whole number, nothing else', () => {
    expect(queryId('12')).toBe(12)
    expect(queryId(['7', '8'])).toBe(7)
    expect(queryId(undefined)).toBeNull()
    expect(queryId('0')).toBeNull()
    expect(queryId('1e3')).toBeNull()
    expect(queryId('-2')).toBeNull()
  })
})
