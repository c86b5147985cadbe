#!/usr/bin/env node
// Fails when src/api/schema.d.ts or src/api/limits.ts is not what `npm run gen:api` makes from
// ../build/openapi.json, i.e. when the back end's API changed and the front end's types were not
// regenerated.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
const spec = resolve(root, '../build/openapi.json')
const FILES = ['schema.d.ts', 'limits.ts']

function fail(message) {
  console.error(`check:api: ${message}`)
  process.exit(1)
}

if (!existsSync(spec)) {
  fail(`${spec} not found. Export it first: python manage.py export_openapi build/openapi.json`)
}
for (const f of FILES) {
  if (!existsSync(resolve(root, 'src/api', f))) fail(`src/api/${f} does not exist. Run \`npm run gen:api\` and commit the result.`)
}

const dir = mkdtempSync(join(tmpdir(), 'zongzhi-api-'))
try {
  execFileSync(process.execPath, [resolve(root, 'scripts/gen-api.mjs'), dir], { stdio: ['ignore', 'ignore', 'inherit'] })
  let stale = false
  for (const f of FILES) {
    const a = readFileSync(resolve(root, 'src/api', f), 'utf8')
    const b = readFileSync(join(dir, f), 'utf8')
    if (a === b) continue
    stale = true
    const al = a.split('\n')
    const bl = b.split('\n')
    let line = 0
    while (line < Math.max(al.length, bl.length) && al[line] === bl[line]) line++
    console.error(`check:api: src/api/${f} is stale (first difference at line ${line + 1}).`)
    console.error(`  committed: ${al[line] ?? '<end of file>'}`)
    console.error(`  generated: ${bl[line] ?? '<end of file>'}`)
  }
  if (stale) fail('run `npm run gen:api`, fix any type errors (`npm run typecheck`) and commit src/api/schema.d.ts and src/api/limits.ts.')
  console.log('check:api: src/api/schema.d.ts and src/api/limits.ts are up to date.')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
