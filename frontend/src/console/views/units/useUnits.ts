/**
 * State and actions of the jurisdiction page: the selected unit, its tabs (children, staff, map,
 * departments) and the create / rename / move / retire dialogs.
 */
import { saveForm } from '../../saveForm'
import { reactive, ref, shallowRef } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { departmentsApi, unitsApi } from '@/api/units'
import type { DepartmentOut, FeatureCollection, UnitOut, UserOut } from '@/api/types'
import { t } from '@/shared/i18n'

export type UnitTab = 'children' | 'staff' | 'map' | 'departments'
export type UnitFormMode = 'create' | 'rename' | 'move'

export interface UnitFormState {
  visible: boolean
  mode: UnitFormMode
  busy: boolean
  parentId: number | null
  code: string
  name: string
  errors: Record<string, string>
}

export interface DeptFormState {
  visible: boolean
  busy: boolean
  id: number | null
  kindCode: string
  name: string
  errors: Record<string, string>
}

export function useUnits(hooks: {
  /** Called after a change below `parentId`, so the tree can reload that level. */
  onChildrenChanged: (parentId: number | null) => void
  onUnitChanged: (unit: UnitOut) => void
}) {
  const selected = ref<UnitOut | null>(null)
  const loadingDetail = ref(false)
  const tab = ref<UnitTab>('children')
  const includeRetired = ref(false)

  const children = ref<UnitOut[]>([])
  const loadingChildren = ref(false)

  const staff = ref<UserOut[]>([])
  const staffCount = ref(0)
  const staffPage = reactive({ page: 1, size: 20 })
  const loadingStaff = ref(false)

  const map = shallowRef<FeatureCollection | null>(null)
  const loadingMap = ref(false)

  const departments = ref<DepartmentOut[]>([])
  const loadingDepartments = ref(false)

  const loaded = new Set<UnitTab>()

  async function select(id: number): Promise<void> {
    loadingDetail.value = true
    try {
      selected.value = await unitsApi.get(id)
      loaded.clear()
      staffPage.page = 1
      await loadTab(tab.value)
    } finally {
      loadingDetail.value = false
    }
  }

  async function loadTab(which: UnitTab, force = false): Promise<void> {
    const unit = selected.value
    if (!unit || (loaded.has(which) && !force)) return
    loaded.add(which)
    switch (which) {
      case 'children':
        return loadChildren()
      case 'staff':
        return loadStaff()
      case 'map':
        return loadMap()
      case 'departments':
        return loadDepartments()
    }
  }

  async function loadChildren(): Promise<void> {
    const unit = selected.value
    if (!unit) return
    loadingChildren.value = true
    try {
      children.value = await unitsApi.children(unit.id, includeRetired.value)
    } finally {
      loadingChildren.value = false
    }
  }

  async function loadStaff(): Promise<void> {
    const unit = selected.value
    if (!unit) return
    loadingStaff.value = true
    try {
      const res = await unitsApi.staff(unit.id, { limit: staffPage.size, offset: (staffPage.page - 1) * staffPage.size })
      staff.value = res.items
      staffCount.value = res.count
    } finally {
      loadingStaff.value = false
    }
  }

  async function loadMap(): Promise<void> {
    const unit = selected.value
    if (!unit) return
    loadingMap.value = true
    try {
      map.value = await unitsApi.map(unit.id)
    } catch {
      map.value = null
    } finally {
      loadingMap.value = false
    }
  }

  async function loadDepartments(): Promise<void> {
    const unit = selected.value
    if (!unit) return
    loadingDepartments.value = true
    try {
      departments.value = (await departmentsApi.list(unit.id)).items
    } finally {
      loadingDepartments.value = false
    }
  }

  // ---- unit form (create child / rename / move) ----
  const form = reactive<UnitFormState>({ visible: false, mode: 'create', busy: false, parentId: null, code: '', name: '', errors: {} })
  const formTarget = shallowRef<UnitOut | null>(null)

  function openForm(mode: UnitFormMode, target: UnitOut): void {
    formTarget.value = target
    form.mode = mode
    form.errors = {}
    form.busy = false
    form.code = mode === 'move' ? target.code : ''
    form.name = mode === 'rename' ? target.name : ''
    form.parentId = mode === 'move' ? target.parent_id : target.id
    form.visible = true
  }

  async function submitForm(): Promise<void> {
    const target = formTarget.value
    if (!target) return
    await saveForm(form, async () => {
      if (form.mode === 'create') {
        await unitsApi.create({ parent_id: target.id, code: form.code.trim(), name: form.name.trim() }, { silent: true })
        ElMessage.success(t('units.created'))
        hooks.onChildrenChanged(target.id)
        if (selected.value?.id === target.id) {
          selected.value = await unitsApi.get(target.id)
          await loadTab('children', true)
        }
      } else if (form.mode === 'rename') {
        const unit = await unitsApi.rename(target.id, form.name.trim(), { silent: true })
        ElMessage.success(t('units.renamed'))
        hooks.onUnitChanged(unit)
        if (selected.value?.id === unit.id) selected.value = unit
      } else {
        if (form.parentId === null) return
        const unit = await unitsApi.move(target.id, { parent_id: form.parentId, code: form.code.trim() }, { silent: true })
        ElMessage.success(t('units.moved'))
        hooks.onChildrenChanged(target.parent_id)
        hooks.onChildrenChanged(unit.parent_id)
        await select(unit.id)
      }
      form.visible = false
    })
  }

  async function retire(unit: UnitOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('units.retireConfirm', { name: unit.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    const updated = await unitsApi.retire(unit.id)
    ElMessage.success(t('units.retiredDone'))
    afterStatusChange(updated)
  }

  async function restore(unit: UnitOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('units.restoreConfirm', { name: unit.name }), t('common.confirmTitle'), { type: 'info' })
    } catch {
      return
    }
    const updated = await unitsApi.restore(unit.id)
    ElMessage.success(t('units.restoredDone'))
    afterStatusChange(updated)
  }

  function afterStatusChange(unit: UnitOut): void {
    hooks.onUnitChanged(unit)
    hooks.onChildrenChanged(unit.parent_id)
    if (selected.value?.id === unit.id) selected.value = unit
    if (selected.value && selected.value.id === unit.parent_id) void loadTab('children', true)
  }

  // ---- departments ----
  const deptForm = reactive<DeptFormState>({ visible: false, busy: false, id: null, kindCode: '', name: '', errors: {} })

  function openDeptForm(dept: DepartmentOut | null): void {
    deptForm.id = dept?.id ?? null
    deptForm.kindCode = dept?.kind_code ?? ''
    deptForm.name = dept?.name ?? ''
    deptForm.errors = {}
    deptForm.visible = true
  }

  async function submitDeptForm(): Promise<void> {
    const unit = selected.value
    if (!unit) return
    await saveForm(deptForm, async () => {
      if (deptForm.id === null) {
        await departmentsApi.create({ unit_id: unit.id, kind_code: deptForm.kindCode.trim(), name: deptForm.name.trim() }, { silent: true })
      } else {
        await departmentsApi.rename(deptForm.id, deptForm.name.trim(), { silent: true })
      }
      ElMessage.success(t('common.saved'))
      deptForm.visible = false
      await loadDepartments()
    })
  }

  async function retireDept(dept: DepartmentOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('units.deptRetireConfirm', { name: dept.name }), t('common.confirmTitle'), { type: 'warning' })
    } catch {
      return
    }
    await departmentsApi.retire(dept.id)
    ElMessage.success(t('common.done'))
    await loadDepartments()
  }

  return {
    selected,
    loadingDetail,
    tab,
    includeRetired,
    children,
    loadingChildren,
    staff,
    staffCount,
    staffPage,
    loadingStaff,
    loadStaff,
    map,
    loadingMap,
    departments,
    loadingDepartments,
    select,
    loadTab,
    form,
    formTarget,
    openForm,
    submitForm,
    retire,
    restore,
    deptForm,
    openDeptForm,
    submitDeptForm,
    retireDept,
  }
}
