import { ConfigError, quoteValue } from './errors.js'

/** The API accepts IDs of 1 to 36 characters. */
export const MAX_ID_LENGTH = 36

export interface ParsedIds {
  /** Unique IDs, in the order they first appear. */
  ids: string[]
  /** IDs that appeared more than once (each listed once). */
  duplicates: string[]
}

interface IdEntry {
  value: string
  /** Where the entry stands, for error messages: "line 3", "line 2, item 4", "item 5". */
  where: string
}

/**
 * Parses the `ids` input: a JSON array of strings when it starts with `[`,
 * otherwise one ID per line and/or comma-separated. Blank lines and `#` comment
 * lines are ignored. Throws one ConfigError that lists every invalid entry.
 */
export function parseIds(raw: string): ParsedIds {
  const text = raw.trim()
  if (text === '') return { ids: [], duplicates: [] }
  const entries = text.startsWith('[') ? jsonEntries(text) : lineEntries(text)

  const problems = entries.flatMap((entry) => {
    const problem = idProblem(entry.value)
    return problem ? [`${entry.where}: ${quoteValue(entry.value)} ${problem}`] : []
  })
  if (problems.length > 0) {
    throw new ConfigError(
      `Input 'ids' has ${problems.length} invalid ${problems.length === 1 ? 'entry' : 'entries'}; nothing was sent.\n` +
        problems.map((p) => `  - ${p}`).join('\n')
    )
  }
  return dedupe(entries.map((entry) => entry.value))
}

function jsonEntries(text: string): IdEntry[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(
      `Input 'ids' starts with '[' but is not valid JSON (${(error as Error).message}). ` +
        `Use a JSON array of strings, such as ["id-1", "id-2"], or one ID per line.`
    )
  }
  if (!Array.isArray(parsed)) {
    throw new ConfigError(`Input 'ids' starts with '[' but is not a JSON array.`)
  }
  const nonStrings = parsed.flatMap((item: unknown, index) =>
    typeof item === 'string' ? [] : [`item ${index + 1}: ${quoteValue(item)}`]
  )
  if (nonStrings.length > 0) {
    throw new ConfigError(
      `Input 'ids' is a JSON array, but not every item is a string; nothing was sent.\n` +
        nonStrings.map((p) => `  - ${p}`).join('\n')
    )
  }
  return (parsed as string[]).map((value, index) => ({
    value: value.trim(),
    where: `item ${index + 1}`
  }))
}

function lineEntries(text: string): IdEntry[] {
  const entries: IdEntry[] = []
  text.split(/\r?\n/).forEach((line, lineIndex) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const items = trimmed.split(',')
    items.forEach((item, itemIndex) => {
      const where =
        items.length > 1 ? `line ${lineIndex + 1}, item ${itemIndex + 1}` : `line ${lineIndex + 1}`
      entries.push({ value: item.trim(), where })
    })
  })
  return entries
}

/** Why an ID is not acceptable, or undefined when it is. */
export function idProblem(id: string): string | undefined {
  if (id === '') return 'is empty (two commas in a row, or a trailing comma?)'
  if (id.length > MAX_ID_LENGTH)
    return `is ${id.length} characters long; the API accepts at most ${MAX_ID_LENGTH}`
  if (hasWhitespaceOrControl(id)) return 'contains whitespace or a control character'
  // Quotes are never part of an ID; they come from copying a quoted list.
  if (/["'`]/.test(id)) return 'contains a quote character'
  return undefined
}

/** True when the value holds whitespace or a control character anywhere. */
export function hasWhitespaceOrControl(value: string): boolean {
  return [...value].some((char) => {
    const code = char.codePointAt(0) ?? 0
    return /\s/u.test(char) || code < 0x20 || (code >= 0x7f && code <= 0x9f)
  })
}

function dedupe(values: string[]): ParsedIds {
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const value of values) {
    if (seen.has(value)) duplicates.add(value)
    else seen.add(value)
  }
  return { ids: [...seen], duplicates: [...duplicates] }
}
