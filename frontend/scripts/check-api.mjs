#!/usr/bin/env node
// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from ../build/openapi.json,
// i.e. when the back end's API changed and the front end's types were not regenerated.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')
const spec = resolve(root, '../build/openapi.json')
const current = resolve(root, 'src/api/schema.d.ts')
const bin = resolve(root, 'node_modules/.bin/openapi-typescript')

function fail(message) {
  console.error(`check:api: ${message}`)
  process.exit(1)
}

if (!existsSync(spec)) {
  fail(`${spec} not found. Export it first: python manage.py export_openapi build/openapi.json`)
}
if (!existsSync(current)) {
  fail('src/api/schema.d.ts does not exist. Run `npm run gen:api` and commit the result.')
}

const dir = mkdtempSync(join(tmpdir(), 'zongzhi-api-'))
const fresh = join(dir, 'schema.d.ts')
try {
  execFileSync(bin, [spec, '-o', fresh], { stdio: ['ignore', 'ignore', 'inherit'] })
  const a = readFileSync(current, 'utf8')
  const b = readFileSync(fresh, 'utf8')
  if (a !== b) {
    const al = a.split('\n')
    const bl = b.split('\n')
    let line = 0
    while (line < Math.max(al.length, bl.length) && al[line] === bl[line]) line++
    console.error(`check:api: src/api/schema.d.ts is stale (first difference at line ${line + 1}).`)
    console.error(`  committed: ${al[line] ?? '<end of file>'}`)
    console.error(`  generated: ${bl[line] ?? '<end of file>'}`)
    fail('run `npm run gen:api`, fix any type errors (`npm run typecheck`) and commit src/api/schema.d.ts.')
  }
  console.log('check:api: src/api/schema.d.ts is up to date.')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
