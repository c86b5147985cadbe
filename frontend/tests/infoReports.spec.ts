import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/http'
import type { InfoReportCreated, InfoReportCreateIn } from '@/api/infoReports'
import { QUEUE_KEY, createReportQueue } from '@/mobile/reportQueue'
import { buildBody } from '@/console/views/alerts/reports/useInfoForm'
import { emptySearch, toFilter } from '@/console/views/alerts/reports/useInfoReports'

function memoryStorage() {
  const data = new Map<string, string>()
  return { data, getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) }
}

const info = (title = 'Villagers gathering'): InfoReportCreateIn => ({
  title,
  description: 'About 15 villagers',
  category_code: '07',
  source: 'grid_worker',
  urgency: 'major',
  classification: 'normal',
  people_count: 15,
  involved: '',
  address: '',
})

describe('information reports on the phone: the offline queue', () => {
  it('keeps information reports under their own keys and sends each with its client id', async () => {
    const storage = memoryStorage()
    const sent: InfoReportCreateIn[] = []
    let online = false
    const q = createReportQueue<InfoReportCreateIn, InfoReportCreated>({
      storage,
      keys: { queue: 'test.infoQueue', rejected: 'test.infoRejected' },
      send: async (body) => {
        if (!online) throw new ApiError(0, { code: 'network_error', message: 'offline' })
        sent.push(body)
        return { created: true, report: { id: 7 } as InfoReportCreated['report'] }
      },
      newId: () => 'cid-1',
      events: null,
    })
    expect((await q.enqueue(info())).status).toBe('queued')
    expect(JSON.parse(storage.data.get('test.infoQueue') ?? '[]')).toHaveLength(1)
    expect(storage.data.has(QUEUE_KEY)).toBe(false) // the case reports' queue is untouched
    online = true
    expect(await q.flush()).toBe(1)
    expect(sent).toEqual([{ ...info(), client_id: 'cid-1' }])
    expect(q.items.value).toEqual([])
  })

  it('moves a refused report to the rejected list with the server message', async () => {
    const storage = memoryStorage()
    let refuse = false
    const q = createReportQueue<InfoReportCreateIn, InfoReportCreated>({
      storage,
      keys: { queue: 'test.infoQueue', rejected: 'test.infoRejected' },
      send: async () => {
        if (!refuse) throw new ApiError(0, { code: 'network_error', message: 'offline' })
        throw new ApiError(400, { code: 'learned_in_future', message: 'learned in the future' })
      },
      events: null,
    })
    await q.enqueue(info('Later'))
    refuse = true
    await q.flush()
    expect(q.rejected.value.map((r) => [r.title, r.message])).toEqual([['Later', 'learned in the future']])
  })
})

describe('information reports on the console', () => {
  it('turns the page filters into the list query, leaving empty ones out', () => {
    const s = { ...emptySearch(null), urgency: 'major' as const, overdue: true, q: '  XX2026  ' }
    expect(toFilter('todo', s, 12)).toMatchObject({ box: 'todo', urgency: 'major', overdue: true, q: 'XX2026', cursor: 12 })
    expect(toFilter('all', emptySearch(3), null)).toMatchObject({ box: 'all', under: 3, overdue: undefined, category: undefined })
  })

  it('sends only the links that name a record', () => {
    const body = buildBody({
      title: ' T ',
      description: ' D ',
      categoryCode: '07',
      source: 'public',
      classification: 'secret',
      urgency: 'important',
      peopleCount: 3,
      involved: '',
      links: [
        { type: 'place', id: 4 },
        { type: 'resident', id: null },
      ],
      occurredAt: '',
      learnedAt: '2026-12-01T08:00:00+08:00',
      address: '',
      attachmentIds: [5],
    })
    expect(body).toMatchObject({ title: 'T', description: 'D', classification: 'secret', links: [{ type: 'place', id: 4 }], attachment_ids: [5] })
    expect(body.occurred_at).toBeNull()
  })
})
