import { describe, expect, it } from 'vitest'
import type { ImportField, ImportPreview } from '@/api/types'
import {
  choicesOf,
  confirmBody,
  duplicateFields,
  fixableFields,
  missingRequired,
} from '@/console/views/imports/useColumnReview'
import { wizardStep } from '@/console/views/imports/useImports'

const field = (over: Partial<ImportField>): ImportField => ({
  field: 'name',
  header: '姓名',
  required: false,
  fixable: true,
  choices: [],
  max_length: 50,
  ...over,
})

const FIELDS: ImportField[] = [
  field({ field: 'name', header: '姓名', required: true, fixable: false }),
  field({ field: 'id_number', header: '证件号码', required: true, fixable: false }),
  field({ field: 'kind', header: '人口类别', required: true, choices: ['户籍人口', '流动人口', '境外人员'] }),
  field({ field: 'ethnicity_code', header: '民族', choices: ['汉族'] }),
  field({ field: 'current_address', header: '现住地址', max_length: 200 }),
]

const preview: ImportPreview = {
  header_line: 3,
  header_found: true,
  fixed: { kind: '户籍人口' },
  remembered: '',
  columns: [
    { index: 0, header: '序号', field: '', samples: ['1', '2'] },
    { index: 1, header: '姓名', field: 'name', samples: ['王建国', '李娜'] },
    { index: 2, header: '身份证明号', field: '', samples: ['3201****123X', '3201****4567'] },
    { index: 3, header: '', field: '', samples: ['', ''] },
  ],
}

describe('the column step of the import wizard', () => {
  it('lists the required fields no column goes to, and what may get one value', () => {
    const choices = choicesOf(preview)
    expect(missingRequired(FIELDS, choices).map((f) => f.field)).toEqual(['id_number', 'kind'])
    choices[2]!.field = 'id_number'
    expect(missingRequired(FIELDS, choices).map((f) => f.field)).toEqual(['kind'])
    expect(fixableFields(FIELDS, choices).map((f) => f.field)).toEqual(['kind', 'ethnicity_code', 'current_address'])
  })

  it('finds a field chosen for two columns', () => {
    const choices = choicesOf(preview)
    expect(duplicateFields(choices).size).toBe(0)
    choices[0]!.field = 'name'
    expect([...duplicateFields(choices)]).toEqual(['name'])
  })

  it('sends every column by its position and only the values of fields no column covers', () => {
    const choices = choicesOf(preview)
    choices[2]!.field = 'id_number'
    const body = confirmBody(choices, { kind: ' 户籍人口 ', name: '不该发送', ethnicity_code: '' }, true)
    expect(body).toEqual({
      columns: { '0': '', '1': 'name', '2': 'id_number', '3': '' },
      fixed: { kind: '户籍人口' },
      remember: true,
    })
  })

  it('does not change the preview it started from', () => {
    const choices = choicesOf(preview)
    choices[1]!.field = ''
    choices[1]!.samples.push('x')
    expect(preview.columns[1]!.field).toBe('name')
    expect(preview.columns[1]!.samples).toHaveLength(2)
  })

  it('shows the step a job is at', () => {
    expect(wizardStep({ status: 'queued', needs_review: true })).toBe(0)
    expect(wizardStep({ status: 'running', needs_review: true })).toBe(0)
    expect(wizardStep({ status: 'review', needs_review: true })).toBe(1)
    expect(wizardStep({ status: 'queued', needs_review: false })).toBe(2)
    expect(wizardStep({ status: 'done', needs_review: false })).toBe(4)
    expect(wizardStep({ status: 'failed', needs_review: true })).toBe(4)
  })
})
