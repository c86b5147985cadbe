/** Shared bits of the risk assessment pages: the steps in order and the level colours. */
export const STEPS = ['define', 'plan', 'investigate', 'analyse', 'grade', 'report', 'approve'] as const
export type StepName = (typeof STEPS)[number]
export const STEP_COUNT = STEPS.length

export const LEVEL_TAG = { high: 'danger', medium: 'warning', low: 'success' } as const
