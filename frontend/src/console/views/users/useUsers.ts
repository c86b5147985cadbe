/** Users page: filters, paging, and the create/edit, password, grants dialogs. */
import { saveForm } from '../../saveForm'
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { usersApi, type UserListFilter } from '@/api/users'
import { rolesApi } from '@/api/roles'
import { departmentsApi } from '@/api/units'
import { isApiError } from '@/api/http'
import type { DepartmentOut, RoleOut, UnitBrief, UserOut } from '@/api/types'
import { t } from '@/shared/i18n'

export interface UserFilterState {
  unit: number | null
  role: string
  q: string
  active: 'all' | 'true' | 'false'
}

export interface UserFormState {
  visible: boolean
  busy: boolean
  editing: UserOut | null
  username: string
  full_name: string
  phone: string
  unit_id: number | null
  department_id: number | null
  password: string
  errors: Record<string, string>
}

export interface GrantsState {
  visible: boolean
  busy: boolean
  user: UserOut | null
  role_codes: string[]
  view_scope_ids: number[]
  capture_scope_ids: number[]
  errors: Record<string, string>
}

export interface PasswordState {
  visible: boolean
  busy: boolean
  user: UserOut | null
  password: string
  errors: Record<string, string>
}

export function useUsers(defaultUnit: () => UnitBrief | null) {
  const filter = reactive<UserFilterState>({ unit: defaultUnit()?.id ?? null, role: '', q: '', active: 'all' })
  const filterUnitKnown = shallowRef<UnitBrief[]>(defaultUnit() ? [defaultUnit() as UnitBrief] : [])
  const page = reactive({ page: 1, size: 20 })
  const rows = ref<UserOut[]>([])
  const count = ref(0)
  const loading = ref(false)
  const roles = ref<RoleOut[]>([])
  /** Full phone numbers the user asked to see, by user id. */
  const revealed = reactive<Record<number, string>>({})

  function query(): UserListFilter {
    return {
      unit: filter.unit ?? undefined,
      role: filter.role || undefined,
      q: filter.q.trim() || undefined,
      is_active: filter.active === 'all' ? undefined : filter.active === 'true',
      limit: page.size,
      offset: (page.page - 1) * page.size,
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      const res = await usersApi.list(query())
      rows.value = res.items
      count.value = res.count
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    page.page = 1
    void load()
  }

  function resetFilter(): void {
    filter.unit = defaultUnit()?.id ?? null
    filter.role = ''
    filter.q = ''
    filter.active = 'all'
    search()
  }

  async function loadRoles(): Promise<void> {
    try {
      roles.value = await rolesApi.list()
    } catch {
      roles.value = []
    }
  }

  async function revealPhone(user: UserOut): Promise<void> {
    const res = await usersApi.phone(user.id)
    revealed[user.id] = res.phone
  }

  function replaceRow(user: UserOut): void {
    const i = rows.value.findIndex((r) => r.id === user.id)
    if (i >= 0) rows.value.splice(i, 1, user)
  }

  // ---- create / edit ----
  const form = reactive<UserFormState>({
    visible: false,
    busy: false,
    editing: null,
    username: '',
    full_name: '',
    phone: '',
    unit_id: null,
    department_id: null,
    password: '',
    errors: {},
  })
  const departments = ref<DepartmentOut[]>([])

  async function loadDepartments(unitId: number | null): Promise<void> {
    departments.value = unitId === null ? [] : (await departmentsApi.list(unitId).catch(() => ({ items: [], count: 0 }))).items
  }

  function openForm(user: UserOut | null): void {
    form.editing = user
    form.username = user?.username ?? ''
    form.full_name = user?.full_name ?? ''
    form.phone = ''
    form.unit_id = user?.unit?.id ?? filter.unit ?? defaultUnit()?.id ?? null
    form.department_id = user?.department?.id ?? null
    form.password = ''
    form.errors = {}
    form.visible = true
    void loadDepartments(form.unit_id)
  }

  async function submitForm(): Promise<void> {
    await saveForm(form, async () => {
      if (form.editing) {
        const body: Parameters<typeof usersApi.update>[1] = {
          full_name: form.full_name.trim(),
          unit_id: form.unit_id ?? undefined,
          department_id: form.department_id,
          clear_department: form.department_id === null,
        }
        // The phone is shown masked; send it only when the user typed a new one.
        if (form.phone.trim()) body.phone = form.phone.trim()
        replaceRow(await usersApi.update(form.editing.id, body, { silent: true }))
      } else {
        if (form.unit_id === null) {
          form.errors = { unit_id: t('common.required') }
          return
        }
        await usersApi.create(
          {
            username: form.username.trim(),
            full_name: form.full_name.trim(),
            phone: form.phone.trim(),
            unit_id: form.unit_id,
            department_id: form.department_id,
            password: form.password,
          },
          { silent: true },
        )
        void load()
      }
      ElMessage.success(t('common.saved'))
      form.visible = false
    })
  }

  // ---- reset password ----
  const pw = reactive<PasswordState>({ visible: false, busy: false, user: null, password: '', errors: {} })

  function openPassword(user: UserOut): void {
    pw.user = user
    pw.password = ''
    pw.errors = {}
    pw.visible = true
  }

  async function submitPassword(): Promise<void> {
    if (!pw.user) return
    pw.busy = true
    pw.errors = {}
    try {
      await usersApi.resetPassword(pw.user.id, pw.password, { silent: true })
      ElMessage.success(t('users.resetDone'))
      pw.visible = false
      void load()
    } catch (e) {
      if (isApiError(e)) {
        pw.errors = e.fieldErrors()
        if (!pw.errors.new_password) pw.errors.new_password = e.message
      }
    } finally {
      pw.busy = false
    }
  }

  // ---- grants ----
  const grants = reactive<GrantsState>({
    visible: false,
    busy: false,
    user: null,
    role_codes: [],
    view_scope_ids: [],
    capture_scope_ids: [],
    errors: {},
  })

  function openGrants(user: UserOut): void {
    grants.user = user
    grants.role_codes = user.roles.map((r) => r.code)
    grants.view_scope_ids = user.view_scope.map((u) => u.id)
    grants.capture_scope_ids = user.capture_scope.map((u) => u.id)
    grants.errors = {}
    grants.visible = true
    if (roles.value.length === 0) void loadRoles()
  }

  async function submitGrants(): Promise<void> {
    const target = grants.user
    if (!target) return
    await saveForm(grants, async () => {
      const user = await usersApi.grants(
        target.id,
        { role_codes: grants.role_codes, view_scope_ids: grants.view_scope_ids, capture_scope_ids: grants.capture_scope_ids },
        { silent: true },
      )
      replaceRow(user)
      ElMessage.success(t('common.saved'))
      grants.visible = false
    })
  }

  // ---- status ----
  async function toggleActive(user: UserOut): Promise<void> {
    const name = user.full_name || user.username
    const msg = user.is_active ? t('users.deactivateConfirm', { name }) : t('users.activateConfirm', { name })
    try {
      await ElMessageBox.confirm(msg, t('common.confirmTitle'), { type: user.is_active ? 'warning' : 'info' })
    } catch {
      return
    }
    const updated = user.is_active ? await usersApi.deactivate(user.id) : await usersApi.activate(user.id)
    if (updated && typeof updated === 'object') replaceRow(updated)
    else void load()
    ElMessage.success(t('common.done'))
  }

  async function unlock(user: UserOut): Promise<void> {
    const updated = await usersApi.unlock(user.id)
    if (updated && typeof updated === 'object') replaceRow(updated)
    else void load()
    ElMessage.success(t('users.unlockDone'))
  }

  return {
    filter,
    filterUnitKnown,
    page,
    rows,
    count,
    loading,
    roles,
    revealed,
    load,
    search,
    resetFilter,
    loadRoles,
    revealPhone,
    form,
    departments,
    loadDepartments,
    openForm,
    submitForm,
    pw,
    openPassword,
    submitPassword,
    grants,
    openGrants,
    submitGrants,
    toggleActive,
    unlock,
  }
}
