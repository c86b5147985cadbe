/** Data dictionary page: code tables, their items (as a tree when hierarchical), local codes. */
import { saveForm } from '../../saveForm'
import { computed, reactive, ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { dictionaryApi } from '@/api/dictionary'
import type { DictItemOut, DictTableOut } from '@/api/types'
import { t } from '@/shared/i18n'

export interface DictRow extends DictItemOut {
  children?: DictRow[]
}

/** Nest items under their parent_code; items whose parent is missing stay at the top. */
export function buildItemTree(items: readonly DictItemOut[]): DictRow[] {
  const byCode = new Map<string, DictRow>()
  for (const item of items) byCode.set(item.code, { ...item })
  const roots: DictRow[] = []
  for (const row of byCode.values()) {
    const parent = row.parent_code ? byCode.get(row.parent_code) : undefined
    if (parent && parent !== row) (parent.children ??= []).push(row)
    else roots.push(row)
  }
  return roots
}

export interface ItemFormState {
  visible: boolean
  busy: boolean
  editing: DictItemOut | null
  code: string
  label: string
  parent_code: string
  sort: number
  errors: Record<string, string>
}

export function namespaceLabel(ns: string): string {
  switch (ns) {
    case 'gb':
      return t('dictionary.namespaceGb')
    case 'ga':
      return t('dictionary.namespaceGa')
    case 'zdy':
      return t('dictionary.namespaceZdy')
    default:
      return ns
  }
}

export function useDictionary() {
  const tables = ref<DictTableOut[]>([])
  const tableFilter = ref('')
  const loadingTables = ref(false)
  const current = ref<DictTableOut | null>(null)
  const items = ref<DictItemOut[]>([])
  const loadingItems = ref(false)
  const includeRetired = ref(false)

  const filteredTables = computed(() => {
    const q = tableFilter.value.trim().toLowerCase()
    if (!q) return tables.value
    return tables.value.filter((x) => x.name.toLowerCase().includes(q) || x.code.toLowerCase().includes(q))
  })

  const rows = computed<DictRow[]>(() => (current.value?.hierarchical ? buildItemTree(items.value) : items.value))

  async function loadTables(): Promise<void> {
    loadingTables.value = true
    try {
      tables.value = await dictionaryApi.tables()
    } finally {
      loadingTables.value = false
    }
  }

  async function selectTable(table: DictTableOut): Promise<void> {
    current.value = table
    await loadItems()
  }

  async function loadItems(): Promise<void> {
    const table = current.value
    if (!table) return
    loadingItems.value = true
    try {
      items.value = await dictionaryApi.items(table.code, includeRetired.value)
    } finally {
      loadingItems.value = false
    }
  }

  const form = reactive<ItemFormState>({
    visible: false,
    busy: false,
    editing: null,
    code: '',
    label: '',
    parent_code: '',
    sort: 0,
    errors: {},
  })

  function openForm(item: DictItemOut | null, parentCode = ''): void {
    form.editing = item
    form.code = item?.code ?? ''
    form.label = item?.label ?? ''
    form.parent_code = item?.parent_code ?? parentCode
    form.sort = item?.sort ?? 0
    form.errors = {}
    form.visible = true
  }

  async function submitForm(): Promise<void> {
    const table = current.value
    if (!table) return
    await saveForm(form, async () => {
      if (form.editing) {
        await dictionaryApi.update(form.editing.id, { label: form.label.trim(), sort: form.sort }, { silent: true })
      } else {
        await dictionaryApi.create(
          table.code,
          { code: form.code.trim(), label: form.label.trim(), parent_code: table.hierarchical && form.parent_code ? form.parent_code : null },
          { silent: true },
        )
      }
      ElMessage.success(t('common.saved'))
      form.visible = false
      await loadItems()
    })
  }

  async function toggleRetired(item: DictItemOut): Promise<void> {
    if (!item.is_retired) {
      try {
        await ElMessageBox.confirm(t('dictionary.retireConfirm', { code: item.code, label: item.label }), t('common.confirmTitle'), {
          type: 'warning',
        })
      } catch {
        return
      }
      await dictionaryApi.retire(item.id)
    } else {
      await dictionaryApi.restore(item.id)
    }
    ElMessage.success(t('common.done'))
    await loadItems()
  }

  async function remove(item: DictItemOut): Promise<void> {
    try {
      await ElMessageBox.confirm(t('dictionary.deleteConfirm', { code: item.code, label: item.label }), t('common.confirmTitle'), {
        type: 'warning',
      })
    } catch {
      return
    }
    await dictionaryApi.remove(item.id)
    ElMessage.success(t('common.done'))
    await loadItems()
  }

  return {
    tables,
    tableFilter,
    filteredTables,
    loadingTables,
    current,
    items,
    rows,
    loadingItems,
    includeRetired,
    loadTables,
    selectTable,
    loadItems,
    form,
    openForm,
    submitForm,
    toggleRetired,
    remove,
  }
}
