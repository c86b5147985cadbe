/** The unit profile page: a unit's figures, its leadership and centre staff, the grid teams, and the forms that keep them. */
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { documentsApi } from '@/api/officeDocuments'
import type { UnitBrief } from '@/api/types'
import {
  unitProfileApi,
  type AccountOut,
  type GridRole,
  type ProfileOut,
  type StaffGroup,
  type StaffOut,
  type TeamsOut,
} from '@/api/unitProfile'
import { t } from '@/shared/i18n'
import { saveForm } from '../../../saveForm'

export interface FiguresFormState {
  visible: boolean
  busy: boolean
  description: string
  area_km2: number | null
  households: number | null
  registered_population: number | null
  floating_population: number | null
  economy: string
  key_projects: string
  errors: Record<string, string>
}

export interface StaffFormState {
  visible: boolean
  busy: boolean
  uploading: boolean
  staff: StaffOut | null
  unit: UnitBrief | null
  group: StaffGroup | ''
  grid_role: GridRole | ''
  name: string
  post: string
  phone: string
  photo_id: number | null
  user_id: number | null
  accounts: AccountOut[]
  photo_preview: string | null
  order: number
  joined_on: string | null
  errors: Record<string, string>
}

export function useUnitProfile() {
  const unitId = ref<number | null>(null)
  const known = shallowRef<UnitBrief[]>([])
  const profile = shallowRef<ProfileOut | null>(null)
  const teams = shallowRef<TeamsOut | null>(null)
  const loading = ref(false)
  const revealed = reactive<Record<number, string>>({})

  const figures = reactive<FiguresFormState>({
    visible: false,
    busy: false,
    description: '',
    area_km2: null,
    households: null,
    registered_population: null,
    floating_population: null,
    economy: '',
    key_projects: '',
    errors: {},
  })
  const staff = reactive<StaffFormState>({
    visible: false,
    busy: false,
    uploading: false,
    staff: null,
    unit: null,
    group: '',
    grid_role: '',
    name: '',
    post: '',
    phone: '',
    photo_id: null,
    user_id: null,
    accounts: [],
    photo_preview: null,
    order: 0,
    joined_on: null,
    errors: {},
  })

  async function load(): Promise<void> {
    if (unitId.value === null) return
    loading.value = true
    try {
      const [p, tm] = await Promise.all([unitProfileApi.get(unitId.value), unitProfileApi.teams(unitId.value)])
      profile.value = p
      teams.value = tm
    } finally {
      loading.value = false
    }
  }

  function openFigures(): void {
    const p = profile.value?.profile
    if (!p) return
    Object.assign(figures, {
      visible: true,
      description: p.description,
      area_km2: p.area_km2 === null || p.area_km2 === undefined ? null : Number(p.area_km2),
      households: p.households ?? null,
      registered_population: p.registered_population ?? null,
      floating_population: p.floating_population ?? null,
      economy: p.economy,
      key_projects: p.key_projects,
      errors: {},
    })
  }

  async function saveFigures(): Promise<void> {
    const unit = profile.value?.unit
    if (!unit) return
    const ok = await saveForm(figures, async () => {
      profile.value = await unitProfileApi.save(
        unit.id,
        {
          description: figures.description,
          area_km2: figures.area_km2 === null ? null : figures.area_km2.toFixed(2),
          households: figures.households,
          registered_population: figures.registered_population,
          floating_population: figures.floating_population,
          economy: figures.economy,
          key_projects: figures.key_projects,
        },
        { silent: true },
      )
    })
    if (ok) {
      figures.visible = false
      ElMessage.success(t('unitProfile.saved'))
    }
  }

  function openStaff(unit: UnitBrief, opts: { group?: StaffGroup; grid_role?: GridRole; member?: StaffOut }): void {
    const m = opts.member
    Object.assign(staff, {
      visible: true,
      uploading: false,
      staff: m ?? null,
      unit,
      group: m ? m.group : (opts.group ?? ''),
      grid_role: m ? m.grid_role : (opts.grid_role ?? ''),
      name: m?.name ?? '',
      post: m?.post ?? (opts.grid_role ? t(`unitProfile.roles.${opts.grid_role}`) : ''),
      phone: '',
      photo_id: null,
      user_id: m?.user_id ?? null,
      accounts: [],
      photo_preview: m?.photo_thumbnail_url ?? m?.photo_url ?? null,
      order: m?.order ?? 0,
      joined_on: m?.joined_on ?? null,
      errors: {},
    })
    if (unit.level === 'grid') {
      unitProfileApi
        .accounts(unit.id)
        .then((list) => (staff.accounts = list))
        .catch(() => undefined)
    }
  }

  async function pickPhoto(file: File): Promise<void> {
    staff.uploading = true
    try {
      const a = await documentsApi.upload(file)
      staff.photo_id = a.id
      staff.photo_preview = a.thumbnail_url ?? a.url
    } finally {
      staff.uploading = false
    }
  }

  async function saveStaff(): Promise<void> {
    const unit = staff.unit
    if (!unit) return
    const body = {
      unit_id: unit.id,
      group: staff.group,
      grid_role: staff.grid_role,
      name: staff.name,
      post: staff.post,
      phone: staff.phone ? staff.phone : staff.staff ? null : '',
      user_id: staff.user_id,
      photo_id: staff.photo_id,
      order: staff.order,
      joined_on: staff.joined_on,
    }
    const ok = await saveForm(staff, async () => {
      if (staff.staff) await unitProfileApi.updateStaff(staff.staff.id, body, { silent: true })
      else await unitProfileApi.createStaff(body, { silent: true })
    })
    if (ok) {
      staff.visible = false
      ElMessage.success(t('common.saved'))
      await load()
    }
  }

  async function leave(m: StaffOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('unitProfile.leaveConfirm', { name: m.name }), t('unitProfile.leaveTitle'), {
        type: 'warning',
        confirmButtonText: t('unitProfile.leave'),
        cancelButtonText: t('common.cancel'),
      })
    } catch {
      return
    }
    await unitProfileApi.leave(m.id)
    ElMessage.success(t('unitProfile.left'))
    await load()
  }

  async function reveal(m: StaffOut): Promise<void> {
    const r = await unitProfileApi.reveal(m.id)
    revealed[m.id] = r.value
  }

  return { unitId, known, profile, teams, loading, revealed, figures, staff, load, openFigures, saveFigures, openStaff, pickPhoto, saveStaff, leave, reveal }
}
