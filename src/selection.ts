/**
 * Which source-server records to delete: parsing of the `select-*` inputs and the
 * matching of listed servers against them. Pure functions, no I/O.
 */
import { ConfigError } from './errors.js'

/** The documented values of `state` in `GET /v3/sources` (SMS API reference, ListServers). */
export const SMS_STATES: readonly string[] = Object.freeze([
  'unavailable',
  'waiting',
  'initialize',
  'replicate',
  'syncing',
  'stopping',
  'stopped',
  'skipping',
  'deleting',
  'clearing',
  'cleared',
  'clearfailed',
  'premigready',
  'premiged',
  'premigfailed',
  'cloning',
  'cutovering',
  'finished',
  'error'
])

/** One item of `source_servers`, normalised. */
export interface SourceServer {
  id: string
  name: string
  /** Trimmed and lower-cased; '' when the API did not send a string. */
  state: string
  /** Is the Agent connected? undefined when the API did not send a boolean. */
  connected: boolean | undefined
  /** Registration time, epoch milliseconds; undefined when missing or not a number. */
  addDate: number | undefined
}

export interface NamePattern {
  /** The glob as the user wrote it (trimmed). */
  pattern: string
  matches(name: string): boolean
}

/**
 * The selection. Every field that is given narrows it (AND); a field is "given" when it is
 * not undefined (for `disconnectedOnly`: when true). An empty set or list is given and
 * matches nothing; the parsers below never produce one.
 */
export interface SelectionFilter {
  states?: ReadonlySet<string>
  /** A server matches when ANY of the patterns matches its name. */
  namePatterns?: readonly NamePattern[]
  disconnectedOnly: boolean
  olderThanMs?: number
  /** The duration as the user wrote it (e.g. "30d"), for describeSelection. */
  olderThanText?: string
}

const STATE_INPUT = 'select-state'

/** Longest accepted duration: 100 years of 365 days. */
const MAX_DURATION_MS = 100 * 365 * 24 * 60 * 60 * 1000

const UNIT_MS: Readonly<Record<string, number>> = {
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** JSON quoting, so that quotes, newlines and surrounding spaces in a bad value stay visible. */
function quote(value: string): string {
  return JSON.stringify(value)
}

/** Splits a list input on commas and newlines, trims the entries and drops the empty ones. */
function splitList(raw: string): string[] {
  return raw
    .split(/[,\r\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

function toAddDate(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined
  }
  // Tolerate epoch milliseconds sent as a string of digits.
  if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) {
    return Number(value.trim())
  }
  return undefined
}

/**
 * Normalises one raw item of `source_servers`. Never throws. Returns undefined only when the
 * item has no usable `id` (missing, not a string, or blank), since such a record cannot be
 * addressed for deletion.
 */
export function toSourceServer(raw: unknown): SourceServer | undefined {
  if (!isRecord(raw)) return undefined
  const id = raw['id']
  if (typeof id !== 'string' || id.trim() === '') return undefined
  const name = raw['name']
  const state = raw['state']
  const connected = raw['connected']
  return {
    id,
    name: typeof name === 'string' ? name : '',
    state: typeof state === 'string' ? state.trim().toLowerCase() : '',
    connected: typeof connected === 'boolean' ? connected : undefined,
    addDate: toAddDate(raw['add_date'])
  }
}

/**
 * Parses the `select-state` input: states separated by commas or newlines, case-insensitive.
 * '' (or only separators and blanks) means "no state filter" and gives undefined.
 */
export function parseStates(raw: string): ReadonlySet<string> | undefined {
  const entries = splitList(raw)
  if (entries.length === 0) return undefined
  const states = new Set<string>()
  const unknown: string[] = []
  for (const entry of entries) {
    const state = entry.toLowerCase()
    if (SMS_STATES.includes(state)) {
      states.add(state)
    } else if (!unknown.includes(entry)) {
      unknown.push(entry)
    }
  }
  if (unknown.length > 0) {
    const what =
      unknown.length === 1 ? 'is not an SMS state' : `are not SMS states (${unknown.length})`
    throw new ConfigError(
      `Input '${STATE_INPUT}': ${unknown.map(quote).join(', ')} ${what}. ` +
        `Valid states: ${SMS_STATES.join(', ')}.`
    )
  }
  return states
}

/**
 * Whole-name glob match: `*` is any run of characters (including none), `?` exactly one
 * character (a Unicode code point), everything else literal. No regular expression is built,
 * so regex metacharacters in names or patterns have no special meaning. Greedy matching with
 * a single backtrack point for the last `*`: O(pattern × name) in the worst case.
 */
function globMatch(pattern: readonly string[], name: readonly string[]): boolean {
  let p = 0
  let n = 0
  let starP = -1
  let starN = 0
  while (n < name.length) {
    const pc = pattern[p]
    if (pc === '*') {
      starP = p
      starN = n
      p++
    } else if (pc !== undefined && (pc === '?' || pc === name[n])) {
      p++
      n++
    } else if (starP >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      p = starP + 1
      starN++
      n = starN
    } else {
      return false
    }
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

/**
 * Parses the `select-name` input: globs separated by commas or newlines (trimmed; empty
 * entries ignored). Matching is case-sensitive and on the whole name. '' gives undefined.
 */
export function parseNamePatterns(raw: string): NamePattern[] | undefined {
  const entries = splitList(raw)
  if (entries.length === 0) return undefined
  const seen = new Set<string>()
  const patterns: NamePattern[] = []
  for (const pattern of entries) {
    if (seen.has(pattern)) continue
    seen.add(pattern)
    const chars = Array.from(pattern)
    patterns.push({ pattern, matches: (name: string) => globMatch(chars, Array.from(name)) })
  }
  return patterns
}

/**
 * Parses a duration such as `30d`, `12h` or `90m` (a whole number > 0 and a lower-case unit:
 * d = days, h = hours, m = minutes; surrounding whitespace allowed) into milliseconds.
 * '' gives undefined. Upper-case units are rejected on purpose: `30M` could mean months.
 */
export function parseDuration(raw: string, inputName: string): number | undefined {
  const text = raw.trim()
  if (text === '') return undefined
  const usage = 'Use a number followed by d, h or m, for example 30d, 12h or 90m.'
  const match = /^(\d+)([dhm])$/.exec(text)
  const digits = match?.[1]
  const unit = match?.[2]
  const unitMs = unit === undefined ? undefined : UNIT_MS[unit]
  if (digits === undefined || unitMs === undefined) {
    throw new ConfigError(`Input '${inputName}': ${quote(text)} is not a duration. ${usage}`)
  }
  const amount = Number(digits)
  if (amount <= 0) {
    throw new ConfigError(
      `Input '${inputName}': ${quote(text)} is not a positive duration. ${usage}`
    )
  }
  const ms = amount * unitMs
  if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
    throw new ConfigError(
      `Input '${inputName}': ${quote(text)} is too long; the maximum is 36500d (100 years).`
    )
  }
  return ms
}

/** True when no filter is given at all (the selection would be every server). */
export function isSelectionEmpty(filter: SelectionFilter): boolean {
  return (
    filter.states === undefined &&
    filter.namePatterns === undefined &&
    !filter.disconnectedOnly &&
    filter.olderThanMs === undefined
  )
}

/** Does the server match every given filter? `nowMs` is the current time, epoch milliseconds. */
export function matchesSelection(
  server: SourceServer,
  filter: SelectionFilter,
  nowMs: number
): boolean {
  if (filter.states !== undefined && !filter.states.has(server.state.toLowerCase())) {
    return false
  }
  if (
    filter.namePatterns !== undefined &&
    !filter.namePatterns.some((p) => p.matches(server.name))
  ) {
    return false
  }
  // Only a server the API reports as disconnected (connected === false) is selected. When the
  // connection state is unknown we do not select it: not deleting is the safe side.
  if (filter.disconnectedOnly && server.connected !== false) {
    return false
  }
  // Strictly older: a server registered exactly `olderThanMs` ago is not selected. An unknown
  // registration time is not selected either (safe side).
  if (filter.olderThanMs !== undefined) {
    if (server.addDate === undefined || !(nowMs - server.addDate > filter.olderThanMs)) {
      return false
    }
  }
  return true
}

function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm'] as const) {
    const size = UNIT_MS[unit]
    if (size !== undefined && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

/** One line for logs and the job summary. */
export function describeSelection(filter: SelectionFilter): string {
  const parts: string[] = []
  if (filter.states !== undefined) {
    parts.push(`state in {${[...filter.states].join(', ')}}`)
  }
  if (filter.namePatterns !== undefined) {
    parts.push(`name matches ${filter.namePatterns.map((p) => p.pattern).join(' or ')}`)
  }
  if (filter.disconnectedOnly) {
    parts.push('Agent disconnected')
  }
  if (filter.olderThanMs !== undefined) {
    const text = filter.olderThanText?.trim() || formatDuration(filter.olderThanMs)
    parts.push(`registered more than ${text} ago`)
  }
  return parts.length === 0 ? 'no filter (every source server)' : parts.join('; ')
}
