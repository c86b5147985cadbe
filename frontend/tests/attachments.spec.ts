import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { attachmentsApi, upload } from '@/api/attachments'
import { ApiError, configureHttp } from '@/api/http'
import { MAX_FILES, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, attachmentsOf, checkFile, fileKind, pickFiles } from '@/shared/attachments'
import { t } from '@/shared/i18n'
import { useNodeBodies } from './fixtures'

const MB = 1024 * 1024

describe('file checks before upload', () => {
  it('knows images and videos by type, and by extension when the type is empty', () => {
    expect(fileKind({ name: 'a.jpg', type: 'image/jpeg', size: 1 })).toBe('image')
    expect(fileKind({ name: 'a.png', type: 'image/png', size: 1 })).toBe('image')
    expect(fileKind({ name: 'a.webp', type: 'image/webp', size: 1 })).toBe('image')
    expect(fileKind({ name: 'a.mp4', type: 'video/mp4', size: 1 })).toBe('video')
    expect(fileKind({ name: 'IMG_1.MOV', type: 'video/quicktime', size: 1 })).toBe('video')
    expect(fileKind({ name: 'a.webm', type: 'video/webm', size: 1 })).toBe('video')
    expect(fileKind({ name: 'IMG_2.MOV', type: '', size: 1 })).toBe('video')
    expect(fileKind({ name: 'a.heic', type: 'image/heic', size: 1 })).toBeNull()
    expect(fileKind({ name: 'a.gif', type: 'image/gif', size: 1 })).toBeNull()
    expect(fileKind({ name: 'a.pdf', type: 'application/pdf', size: 1 })).toBeNull()
    expect(fileKind({ name: 'a.jpg', type: 'application/pdf', size: 1 })).toBeNull()
  })

  it('refuses wrong types and files over 15 MB (images) or 60 MB (videos) with a message from the locale file', () => {
    expect(checkFile({ name: 'a.jpg', type: 'image/jpeg', size: MAX_IMAGE_BYTES })).toBeNull()
    expect(checkFile({ name: 'a.jpg', type: 'image/jpeg', size: MAX_IMAGE_BYTES + 1 })).toBe(t('attachments.imageTooLarge', { name: 'a.jpg' }))
    expect(checkFile({ name: 'v.mp4', type: 'video/mp4', size: 50 * MB })).toBeNull()
    expect(checkFile({ name: 'v.mp4', type: 'video/mp4', size: MAX_VIDEO_BYTES + 1 })).toBe(t('attachments.videoTooLarge', { name: 'v.mp4' }))
    expect(checkFile({ name: 'a.gif', type: 'image/gif', size: 10 })).toBe(t('attachments.badType', { name: 'a.gif' }))
    expect(checkFile({ name: 'a.jpg', type: 'image/jpeg', size: 0 })).toBe(t('attachments.empty', { name: 'a.jpg' }))
    expect(t('attachments.imageTooLarge', { name: 'x' })).toMatch(/15MB/)
    expect(t('attachments.videoTooLarge', { name: 'x' })).toMatch(/60MB/)
  })

  it('keeps the good files up to the room left and says why the others were left out', () => {
    const good = Array.from({ length: 12 }, (_, i) => ({ name: `${i}.jpg`, type: 'image/jpeg', size: 10 }))
    const bad = { name: 'big.jpg', type: 'image/jpeg', size: 20 * MB }
    const out = pickFiles([bad, ...good], MAX_FILES - 2)
    expect(out.ok).toHaveLength(7)
    expect(out.messages).toEqual([t('attachments.imageTooLarge', { name: 'big.jpg' }), t('attachments.tooMany', { n: MAX_FILES })])
  })

  it('finds the attachments of a timeline entry', () => {
    const a = (id: number) => ({ id, kind: 'image', name: `${id}`, url: '', thumbnail_url: null }) as never
    expect(attachmentsOf([a(1), a(2), a(3)], [3, 1]).map((x: { id: number }) => x.id)).toEqual([1, 3])
  })
})

describe('upload', () => {
  const fetchMock = vi.fn<typeof fetch>()
  beforeEach(async () => {
    await useNodeBodies()
    fetchMock.mockReset()
    vi.stubGlobal('fetch', fetchMock)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    configureHttp({ mode: 'session', getToken: () => null, notify: () => undefined })
    document.cookie = 'csrftoken=; expires=Thu, 01 Jan 1970 00:00:00 GMT'
  })

  const ok = () => new Response(JSON.stringify({ id: 4, kind: 'image', name: 'a.jpg', url: '/api/attachments/4/file', thumbnail_url: '/api/attachments/4/thumbnail' }), { status: 201 })

  it('posts multipart form data with the CSRF header on the console, without a JSON content type', async () => {
    configureHttp({ mode: 'session' })
    document.cookie = 'csrftoken=abc123'
    fetchMock.mockResolvedValue(ok())
    const out = await upload(new File(['x'], 'a.jpg', { type: 'image/jpeg' }))
    expect(out.id).toBe(4)
    const request = fetchMock.mock.calls[0]?.[0] as Request
    expect(new URL(request.url).pathname).toBe('/api/attachments')
    expect(request.method).toBe('POST')
    expect(request.headers.get('X-CSRFToken')).toBe('abc123')
    expect(request.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
    expect(await request.text()).toMatch(/name="file"; filename="a\.jpg"/)
  })

  it('sends the bearer token on the phone', async () => {
    configureHttp({ mode: 'token', getToken: () => 'tok' })
    fetchMock.mockResolvedValue(ok())
    await upload(new Blob(['x'], { type: 'image/jpeg' }), 'queued.jpg')
    const request = fetchMock.mock.calls[0]?.[0] as Request
    expect(request.headers.get('Authorization')).toBe('Bearer tok')
    expect(await request.text()).toMatch(/name="file"; filename="queued\.jpg"/)
  })

  it("shows the server's message when it refuses the file", async () => {
    const notify = vi.fn()
    configureHttp({ mode: 'session', notify })
    const message = 'server says no'
    fetchMock.mockResolvedValue(new Response(JSON.stringify({ code: 'file_type', message, errors: [{ field: 'file', message }] }), { status: 400 }))
    await expect(upload(new File(['x'], 'a.gif'))).rejects.toBeInstanceOf(ApiError)
    expect(notify).toHaveBeenCalledWith(message)
  })

  it('fetches the file or thumbnail at a URL the server gives, with the token', async () => {
    configureHttp({ mode: 'token', getToken: () => 'tok' })
    fetchMock.mockImplementation(() => Promise.resolve(new Response('jpeg', { status: 200 })))
    expect(await (await attachmentsApi.blob('/api/attachments/4/thumbnail')).text()).toBe('jpeg')
    await attachmentsApi.blob('/api/attachments/4/file')
    const urls = fetchMock.mock.calls.map((c) => new URL((c[0] as Request).url).pathname)
    expect(urls).toEqual(['/api/attachments/4/thumbnail', '/api/attachments/4/file'])
    expect((fetchMock.mock.calls[0]?.[0] as Request).headers.get('Authorization')).toBe('Bearer tok')
  })
})
