// @vitest-environment node
// A text field's limit is declared once, on the server (the model's max_length or the schema's
// Field), and reaches the forms through the OpenAPI schema and src/api/limits.ts. A number
// written into a form drifts from the server's rule (it did: 150 for a 50-character username).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { MAX_LENGTH } from '@/api/limits'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })
}

/** `maxlength="200"`, `max-length="200"`, `:maxlength="200"` or `:maxlength="x ? 18 : y"`. */
const HARD_CODED = /(?::|v-bind:)?(?:maxlength|max-length|maxLength)\s*=\s*"[^"]*\b\d+\b[^"]*"/g
/** `export const REASON_MAX = 200`: a limit kept beside the server's instead of read from it. */
const CONSTANT = /\b[A-Z][A-Z_]*_MAX\s*=\s*\d+/g

function offenders(pattern: RegExp, ext: RegExp): string[] {
  const found: string[] = []
  for (const file of walk(SRC)) {
    const rel = relative(SRC, file)
    if (rel.startsWith('api/') || !ext.test(file)) continue
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(pattern)) found.push(`${rel}:${i + 1}: ${m[0]}`)
      })
  }
  return found
}

describe('text limits come from the OpenAPI schema', () => {
  it('has no form that writes a maxlength number of its own', () => {
    expect(offenders(HARD_CODED, /\.vue$/)).toEqual([])
  })

  it('has no limit constant that copies a number instead of reading MAX_LENGTH', () => {
    expect(offenders(CONSTANT, /\.(vue|ts)$/)).toEqual([])
  })

  it('reads the limits of a case kind’s own fields from the schema', () => {
    // The kinds' details are validated by cases/kinds.py and described in the OpenAPI schema.
    expect(MAX_LENGTH.RectificationDetails.hazard).toBe(2000)
    expect(MAX_LENGTH.PetitionDetails.petitioner_name).toBe(60)
  })
})
