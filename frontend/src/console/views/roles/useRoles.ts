/** Roles page: list, capability catalogue, create/edit dialog. */
import { saveForm } from '../../saveForm'
import { computed, reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { rolesApi } from '@/api/roles'
import type { CapabilityOut, RoleOut } from '@/api/types'
import { t } from '@/shared/i18n'

export interface RoleFormState {
  visible: boolean
  busy: boolean
  editing: RoleOut | null
  code: string
  name: string
  description: string
  capabilities: string[]
  errors: Record<string, string>
}

export interface CapabilityGroup {
  group: string
  items: CapabilityOut[]
}

export function groupCapabilities(caps: readonly CapabilityOut[]): CapabilityGroup[] {
  const groups: CapabilityGroup[] = []
  for (const c of caps) {
    let g = groups.find((x) => x.group === c.group)
    if (!g) {
      g = { group: c.group, items: [] }
      groups.push(g)
    }
    g.items.push(c)
  }
  return groups
}

export function useRoles() {
  const rows = ref<RoleOut[]>([])
  const caps = ref<CapabilityOut[]>([])
  const loading = ref(false)
  const groups = computed(() => groupCapabilities(caps.value))
  const capLabel = computed(() => new Map(caps.value.map((c) => [c.code, c.label])))

  async function load(): Promise<void> {
    loading.value = true
    try {
      const [roles, capabilities] = await Promise.all([rolesApi.list(), caps.value.length ? Promise.resolve(caps.value) : rolesApi.capabilities()])
      rows.value = roles
      caps.value = capabilities
    } finally {
      loading.value = false
    }
  }

  const form = reactive<RoleFormState>({
    visible: false,
    busy: false,
    editing: null,
    code: '',
    name: '',
    description: '',
    capabilities: [],
    errors: {},
  })

  function openForm(role: RoleOut | null): void {
    form.editing = role
    form.code = role?.code ?? ''
    form.name = role?.name ?? ''
    form.description = role?.description ?? ''
    form.capabilities = [...(role?.capabilities ?? [])]
    form.errors = {}
    form.visible = true
  }

  async function submitForm(): Promise<void> {
    await saveForm(form, async () => {
      if (form.editing) {
        await rolesApi.update(
          form.editing.id,
          { name: form.name.trim(), description: form.description.trim(), capabilities: form.capabilities },
          { silent: true },
        )
      } else {
        await rolesApi.create(
          { code: form.code.trim(), name: form.name.trim(), description: form.description.trim(), capabilities: form.capabilities },
          { silent: true },
        )
      }
      ElMessage.success(t('common.saved'))
      form.visible = false
      await load()
    })
  }

  return { rows, caps, groups, capLabel, loading, load, form, openForm, submitForm }
}
