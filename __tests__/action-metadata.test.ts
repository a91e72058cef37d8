import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { isMap, isScalar, parse, parseDocument, type Scalar } from 'yaml'
import { INPUT_DEFAULTS } from '../src/inputs.js'
import { OUTPUT_NAMES } from '../src/report.js'

const ROOT = resolve(import.meta.dirname, '..')
const ACTION_YML = readFileSync(resolve(ROOT, 'action.yml'), 'utf8')
// A copy of the SchemaStore schema for action.yml (draft-07), kept in the repo so CI needs nothing else.
const SCHEMA = JSON.parse(
  readFileSync(resolve(import.meta.dirname, 'fixtures/github-action.schema.json'), 'utf8')
) as Record<string, unknown>

interface ActionMetadata {
  name?: string
  description?: string
  branding?: { icon?: string; color?: string }
  inputs?: Record<string, { description?: string; default?: unknown; required?: unknown }>
  outputs?: Record<string, { description?: string }>
  runs?: { using?: string; main?: string }
}

/** INPUT_DEFAULTS, widened from its literal types so any value can be compared. */
const DEFAULTS: Readonly<Record<string, string>> = INPUT_DEFAULTS

const BOOLEAN_LOOKING = /^(true|false|yes|no|on|off|y|n)$/i

/**
 * Every way `yamlText` (an action.yml) disagrees with what the code reads and sets:
 * INPUT_DEFAULTS (names and defaults) and OUTPUT_NAMES. Empty when they agree.
 */
function metadataDrift(yamlText: string): string[] {
  const problems: string[] = []
  const action = parse(yamlText) as ActionMetadata
  const inputs = action.inputs ?? {}
  const outputs = action.outputs ?? {}
  const defaults = DEFAULTS

  for (const name of Object.keys(inputs)) {
    if (!Object.hasOwn(defaults, name))
      problems.push(`input '${name}' is in action.yml but not INPUT_DEFAULTS`)
  }
  for (const name of Object.keys(defaults)) {
    if (!Object.hasOwn(inputs, name))
      problems.push(`input '${name}' is in INPUT_DEFAULTS but not action.yml`)
  }
  for (const [name, spec] of Object.entries(inputs)) {
    if (!Object.hasOwn(defaults, name)) continue
    if (spec.default !== defaults[name]) {
      problems.push(
        `input '${name}': action.yml default ${JSON.stringify(spec.default)} !== INPUT_DEFAULTS ${JSON.stringify(defaults[name])}`
      )
    }
  }

  const declaredOutputs = Object.keys(outputs)
  for (const name of declaredOutputs) {
    if (!(OUTPUT_NAMES as readonly string[]).includes(name))
      problems.push(`output '${name}' is in action.yml but not OUTPUT_NAMES`)
  }
  for (const name of OUTPUT_NAMES) {
    if (!declaredOutputs.includes(name))
      problems.push(`output '${name}' is in OUTPUT_NAMES but not action.yml`)
  }
  return problems
}

/**
 * Every `default:` in `yamlText` that is not written as a quoted string. The runner hands
 * inputs over as strings anyway, but an unquoted `50` or `true` hides that, and an unquoted
 * `yes`/`on` means something else to some YAML readers. A parsed value cannot tell `'50'`
 * from `50`, so this looks at the source: the scalar's style in the document, and the raw line.
 */
function unquotedDefaults(yamlText: string): string[] {
  const problems: string[] = []
  const doc = parseDocument(yamlText, { keepSourceTokens: true })
  const inputs = doc.get('inputs', true)
  if (isMap(inputs)) {
    for (const pair of inputs.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      const spec = pair.value
      if (!isMap(spec)) continue
      const node = spec.get('default', true)
      if (node === undefined) continue
      const style = isScalar(node) ? (node as Scalar).type : 'not a scalar'
      if (style !== 'QUOTE_SINGLE' && style !== 'QUOTE_DOUBLE')
        problems.push(`input '${name}': default is ${style ?? 'unknown'}, not a quoted string`)
    }
  }
  yamlText.split(/\r?\n/).forEach((line, index) => {
    const match = /^\s+default:\s*(.*?)\s*(#.*)?$/.exec(line)
    if (match && !/^('[^']*(''[^']*)*'|"(?:[^"\\]|\\.)*")$/.test(match[1] ?? ''))
      problems.push(`line ${index + 1}: '${line.trim()}' is not a quoted string`)
  })
  return problems
}

/** Defaults that look boolean must be exactly 'true' or 'false' (what getBooleanInput accepts). */
function badBooleanDefaults(yamlText: string): string[] {
  const action = parse(yamlText) as ActionMetadata
  return Object.entries(action.inputs ?? {})
    .filter(([, spec]) => BOOLEAN_LOOKING.test(String(spec.default)))
    .filter(([, spec]) => spec.default !== 'true' && spec.default !== 'false')
    .map(([name, spec]) => `input '${name}': boolean default ${JSON.stringify(spec.default)}`)
}

/** Rewrites the source of one input's `default:` line to `raw`, leaving the rest untouched. */
function withDefault(yamlText: string, name: string, raw: string): string {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const line = new RegExp(`(^  ${escaped}:\\n(?:    .*\\n)*?    default: ).*$`, 'm')
  const doctored = yamlText.replace(line, `$1${raw}`)
  if (doctored === yamlText) throw new Error(`no default line for input '${name}'`)
  return doctored
}

/** Inputs to doctor: the first whose default is a whole number, the first with a boolean default. */
const NUMERIC_INPUT = Object.entries(DEFAULTS).find(([, value]) => /^\d+$/.test(value))
const BOOLEAN_INPUT = Object.entries(DEFAULTS).find(
  ([, value]) => value === 'true' || value === 'false'
)

/** An input whose default is text that YAML would read the same without quotes (a URL). */
const TEXT_INPUT = Object.entries(DEFAULTS).find(([, value]) => /^[a-z]+:\/\/\S+$/.test(value))

/** The 1-based number of the first line that ends with `text`. */
function lineOf(yamlText: string, text: string): number {
  return yamlText.split('\n').findIndex((line) => line.endsWith(text)) + 1
}

/** Replaces the `inputs:` line with one that declares an extra input first. */
function withExtraInput(yamlText: string): string {
  return yamlText.replace(
    /^inputs:\n/m,
    "inputs:\n  extra-input:\n    description: 'Declared, never read.'\n    required: false\n    default: ''\n"
  )
}

describe('action.yml', () => {
  const action = parse(ACTION_YML) as ActionMetadata
  const inputs = action.inputs ?? {}
  const outputs = action.outputs ?? {}

  it('declares exactly the inputs the code reads, with the same defaults, and the outputs it sets', () => {
    expect(metadataDrift(ACTION_YML)).toEqual([])
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort())
    expect(Object.keys(outputs).sort()).toEqual([...OUTPUT_NAMES].sort())
    for (const [name, value] of Object.entries(DEFAULTS)) {
      expect({ name, default: inputs[name]?.default }).toEqual({ name, default: value })
    }
  })

  it('writes every default as a quoted string', () => {
    expect(unquotedDefaults(ACTION_YML)).toEqual([])
    // Every input has a default (INPUT_DEFAULTS has one for each), so one line per input.
    expect(ACTION_YML.match(/^\s+default:/gm)).toHaveLength(Object.keys(inputs).length)
  })

  it("gives boolean inputs a default of exactly 'true' or 'false'", () => {
    expect(badBooleanDefaults(ACTION_YML)).toEqual([])
    const booleanInputs = Object.entries(DEFAULTS).filter(
      ([, value]) => value === 'true' || value === 'false'
    )
    expect(booleanInputs.length).toBeGreaterThan(0)
    for (const [name] of booleanInputs) expect(['true', 'false']).toContain(inputs[name]?.default)
  })

  it('describes every input and output', () => {
    expect(action.name?.trim()).toBeTruthy()
    expect(action.description?.trim()).toBeTruthy()
    for (const [name, spec] of [...Object.entries(inputs), ...Object.entries(outputs)]) {
      expect({ name, description: typeof spec.description }).toEqual({
        name,
        description: 'string'
      })
      expect(spec.description?.trim().length).toBeGreaterThan(0)
    }
  })

  it('runs on node24 from a file that exists, and has branding', () => {
    expect(action.runs?.using).toBe('node24')
    expect(action.runs?.main).toBeTruthy()
    expect(existsSync(resolve(ROOT, action.runs?.main ?? ''))).toBe(true)
    expect(action.branding?.icon).toBeTruthy()
    expect(action.branding?.color).toBeTruthy()
  })

  it('is valid against the action.yml JSON schema', () => {
    // The schema is draft-07, Ajv's default draft. strictTypes is off only because the
    // schema's `if` uses `properties` without `type: object`, which Ajv would warn about.
    const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(SCHEMA)
    const valid = validate(action)
    expect(validate.errors ?? []).toEqual([])
    expect(valid).toBe(true)
  })
})

describe('the metadata checks catch drift', () => {
  it('an input declared in action.yml that the code does not read', () => {
    expect(metadataDrift(withExtraInput(ACTION_YML))).toEqual([
      "input 'extra-input' is in action.yml but not INPUT_DEFAULTS"
    ])
  })

  it('an input the code reads that action.yml lacks, and an output it lacks', () => {
    const action = parse(ACTION_YML) as ActionMetadata
    const [firstInput] = Object.keys(action.inputs ?? {})
    const [firstOutput] = Object.keys(action.outputs ?? {})
    delete action.inputs?.[firstInput as string]
    delete action.outputs?.[firstOutput as string]
    const doctored = JSON.stringify(action) // JSON is YAML
    expect(metadataDrift(doctored)).toEqual([
      `input '${firstInput}' is in INPUT_DEFAULTS but not action.yml`,
      `output '${firstOutput}' is in OUTPUT_NAMES but not action.yml`
    ])
  })

  it('a default that differs from INPUT_DEFAULTS', () => {
    const [name, value] = NUMERIC_INPUT ?? ['', '']
    const changed = String(Number(value) + 1)
    expect(metadataDrift(withDefault(ACTION_YML, name, `'${changed}'`))).toEqual([
      `input '${name}': action.yml default "${changed}" !== INPUT_DEFAULTS "${value}"`
    ])
  })

  it('an unquoted default, even one that parses to the same string', () => {
    const [name, value] = NUMERIC_INPUT ?? ['', '']
    const doctored = withDefault(ACTION_YML, name, value)
    expect(unquotedDefaults(doctored)).toEqual([
      `input '${name}': default is PLAIN, not a quoted string`,
      `line ${lineOf(doctored, `default: ${value}`)}: 'default: ${value}' is not a quoted string`
    ])
    // A plain 50 parses to a number here (the runner would read the string "50")...
    expect(metadataDrift(doctored)).toHaveLength(1)
    // ...but a plain URL parses to the very same string: only the source shows it.
    const [textName, text] = TEXT_INPUT ?? ['', '']
    const plainText = withDefault(ACTION_YML, textName, text)
    expect(metadataDrift(plainText)).toEqual([])
    expect(unquotedDefaults(plainText)).toEqual([
      `input '${textName}': default is PLAIN, not a quoted string`,
      `line ${lineOf(plainText, `default: ${text}`)}: 'default: ${text}' is not a quoted string`
    ])
  })

  it("a boolean default other than 'true' or 'false'", () => {
    const [name] = BOOLEAN_INPUT ?? ['']
    const doctored = withDefault(ACTION_YML, name, "'yes'")
    expect(badBooleanDefaults(doctored)).toEqual([`input '${name}': boolean default "yes"`])
  })

  it('an action.yml the schema rejects', () => {
    const action = parse(withExtraInput(ACTION_YML)) as ActionMetadata
    delete action.inputs?.['extra-input']?.description
    ;(action.runs as Record<string, unknown>).using = 'node99'
    const validate = new Ajv({ allErrors: true, strictTypes: false }).compile(SCHEMA)
    expect(validate(action)).toBe(false)
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/inputs/extra-input', '/runs/using'])
    )
  })
})
