/**
 * The job summary (GITHUB_STEP_SUMMARY): GitHub-flavoured Markdown with a little HTML.
 * Pure: no I/O, no @actions/core. Every value that comes from the API or the user is escaped,
 * and the output is kept under SUMMARY_BYTE_BUDGET bytes of UTF-8 whatever the input.
 */
import type { ApiErrorDetails } from './api-error.js'
import { FailureCode, type DeleteBatchResult } from './results.js'
import { prettyJsonObject, type DecodeOutcome } from './iam-api.js'
import type { SourceServer } from './selection.js'

export interface SummaryModel {
  outcome:
    'deleted' | 'partial' | 'failed' | 'denied' | 'dry-run' | 'nothing-to-do' | 'invalid-input'
  dryRun: boolean
  mode: { kind: 'ids' } | { kind: 'selection'; filters: string /* from describeSelection */ }
  endpointHost: string
  planned: number
  deleted: number
  failed: number
  retries: number
  durationMs: number
  batches: readonly DeleteBatchResult[]
  /** selection mode only: the servers selected (planned for deletion) */
  selectedServers?: readonly SourceServer[]
  denial?: {
    /** The batch that was denied; undefined when the denial came before any batch (listing). */
    batch?: number
    error: ApiErrorDetails
    decoded?: DecodeOutcome
    /** What the denial means and what to do (denialAdvice from denial.ts), one item a line. */
    advice?: readonly string[]
    /** The IAM endpoint (URL) for the decode-by-hand instructions; a placeholder when absent. */
    iamEndpoint?: string
  }
  /** invalid-input or unexpected error: the message shown to the user */
  errorMessage?: string
}

/** GitHub accepts up to 1 MiB per step; we stay at half of that. */
export const SUMMARY_BYTE_BUDGET = 512 * 1024

/** Row caps: beyond these a table ends with a line saying how many rows were left out. */
const MAX_SERVER_ROWS = 1000
const MAX_BATCH_ROWS = 200
const MAX_DENIAL_ROWS = 100
/** When there are more selected servers than this, their table is collapsed. */
const COLLAPSE_SERVERS_ABOVE = 10

/** Character caps for single values (longer ones end in "…"). */
const MAX_NAME_CHARS = 200
const MAX_CELL_CHARS = 500
const MAX_TEXT_CHARS = 4000

/** Shares of the byte budget. The servers table gets what the other sections leave. */
const BATCH_TABLE_SHARE = 1 / 4
const DENIAL_TABLE_SHARE = 1 / 16
/** Each of the encoded and the decoded authorization message (the encoded one is ≤ 64 KB). */
const CODE_BLOCK_SHARE = 0.14
/** Kept free for the servers section's own heading, note and wrapper. */
const SERVER_SECTION_RESERVE = 2048

const NONE = '—'

/**
 * Renders the job summary. `budgetBytes` (default SUMMARY_BYTE_BUDGET) bounds the UTF-8 size
 * of the result.
 */
export function renderSummary(
  model: SummaryModel,
  budgetBytes: number = SUMMARY_BYTE_BUDGET
): string {
  const budget = Math.max(0, Math.floor(budgetBytes))
  const dry = model.dryRun || model.outcome === 'dry-run'

  const head: string[] = ['## Huawei Cloud SMS cleanup']
  if (dry) head.push(dryRunBanner(model))
  head.push(`**${verdict(model)}**`)
  if (model.errorMessage !== undefined && model.errorMessage !== '') {
    head.push(`**Error:** ${inline(model.errorMessage, MAX_TEXT_CHARS)}`)
  }

  const sections: string[] = [...head, overviewSection(model)]
  if (model.denial) sections.push(denialSection(model.denial, budget))
  if (model.batches.length > 0) sections.push(batchSection(model.batches, budget))

  const showServers = model.mode.kind === 'selection' && model.selectedServers !== undefined
  if (showServers) {
    const used = byteLength(sections.join('\n\n'))
    const allowance = budget - used - SERVER_SECTION_RESERVE
    sections.push(serverSection(model.selectedServers ?? [], allowance))
  }
  return fitToBudget(sections.join('\n\n') + '\n', budget)
}

// ---------------------------------------------------------------------------------------------
// Sections

function dryRunBanner(model: SummaryModel): string {
  let detail = ''
  if (model.outcome === 'dry-run') {
    detail = ` ${count(model.planned, 'source server')} would be deleted.`
  } else if (model.outcome === 'nothing-to-do') {
    detail = ' Nothing would be deleted.'
  }
  return `> [!NOTE]\n> **DRY RUN — nothing was deleted.**${detail}`
}

function verdict(model: SummaryModel): string {
  const { planned, deleted, failed } = model
  const ofPlanned = `${num(deleted)} of ${count(planned, 'source server')}`
  switch (model.outcome) {
    case 'deleted':
      return `✅ Deleted ${ofPlanned}.`
    case 'partial':
      return `⚠️ Deleted ${ofPlanned}; ${num(failed)} failed.`
    case 'failed':
      return planned > 0 ? `❌ Failed: deleted ${ofPlanned}; ${num(failed)} failed.` : '❌ Failed.'
    case 'denied': {
      const error = model.denial?.error
      const code = error ? ` (${inline(error.errorCode || `HTTP ${error.status}`, 100, ' ')})` : ''
      const batch = model.denial?.batch
      const where =
        batch === undefined
          ? ': the run stopped before any deletion was sent'
          : `: the run stopped after batch ${num(batch)}`
      const what = deleted === 0 ? 'nothing deleted' : `deleted ${ofPlanned}`
      return `⛔ Denied${code}${where}; ${what}.`
    }
    case 'dry-run':
      return `🧪 Dry run: ${count(planned, 'source server')} would be deleted.`
    case 'nothing-to-do':
      return model.mode.kind === 'selection'
        ? 'Nothing to delete: no source server matched the selection.'
        : 'Nothing to delete.'
    case 'invalid-input':
      return '❌ Invalid input: nothing was sent.'
  }
}

function overviewSection(model: SummaryModel): string {
  const mode =
    model.mode.kind === 'ids'
      ? 'IDs'
      : `Selection: ${inline(model.mode.filters, MAX_CELL_CHARS) || NONE}`
  const rows: string[][] = [
    ['Mode', mode],
    ['Endpoint host', inline(model.endpointHost, MAX_NAME_CHARS) || NONE],
    ['Planned', num(model.planned)],
    ['Deleted', num(model.deleted)],
    ['Failed', num(model.failed)],
    ['Retries', num(model.retries)],
    ['Duration', formatDuration(model.durationMs)]
  ]
  return ['### Overview', tableText(['Item', 'Value'], rows)].join('\n\n')
}

type BatchResultKind = 'deleted' | 'partial' | 'failed' | 'not attempted'

function batchResult(batch: DeleteBatchResult): BatchResultKind {
  if (batch.failedIds.length === 0) return 'deleted'
  if (batch.deletedIds.length > 0) return 'partial'
  if (batch.attempts === 0 && batch.failure?.errorCode === FailureCode.notAttempted)
    return 'not attempted'
  return 'failed'
}

/** Which rows to keep when there are too many: failures first, then the rest. */
const BATCH_PRIORITY: Readonly<Record<BatchResultKind, number>> = {
  failed: 0,
  partial: 0,
  'not attempted': 1,
  deleted: 2
}

function batchRow(batch: DeleteBatchResult, kind: BatchResultKind): string[] {
  const failure = batch.failure
  const absent = batch.alreadyAbsentIds.length
  const absentNote = absent > 0 ? `${num(absent)} already absent, counted as deleted` : ''
  let status = NONE
  let code = NONE
  let message = ''
  switch (kind) {
    case 'deleted':
      message = absentNote
      break
    case 'not attempted':
      message = failure?.errorMsg ?? ''
      break
    case 'partial':
    case 'failed':
      status = failure?.status == null ? NONE : String(failure.status)
      code = inline(failure?.errorCode ?? '', 100) || NONE
      message =
        kind === 'partial'
          ? `${num(batch.deletedIds.length)} deleted${absent > 0 ? ` (${absentNote})` : ''}, ` +
            `${num(batch.failedIds.length)} failed: ${failure?.errorMsg ?? ''}`
          : (failure?.errorMsg ?? '')
      break
  }
  return [
    num(batch.batch),
    num(batch.ids.length),
    kind,
    status,
    code,
    inline(message, MAX_CELL_CHARS) || NONE
  ]
}

function batchSection(batches: readonly DeleteBatchResult[], budget: number): string {
  const kinds = batches.map(batchResult)
  const order = batches
    .map((_, index) => index)
    .sort((a, b) => BATCH_PRIORITY[kinds[a] ?? 'deleted'] - BATCH_PRIORITY[kinds[b] ?? 'deleted'])
  const candidates = order.slice(0, MAX_BATCH_ROWS).map((index) => {
    const batch = batches[index] as DeleteBatchResult
    return { key: index, cells: batchRow(batch, kinds[index] ?? 'deleted') }
  })
  const headers = ['Batch', 'IDs', 'Result', 'HTTP status', 'Error code', 'Message']
  const { text, shownKeys } = fitTable(headers, candidates, budget * BATCH_TABLE_SHARE)

  const parts = ['### Batches']
  if (text !== '') parts.push(text)
  const hidden = batches.length - shownKeys.size
  if (hidden > 0) {
    const tally = new Map<BatchResultKind, number>()
    kinds.forEach((kind, index) => {
      if (!shownKeys.has(index)) tally.set(kind, (tally.get(kind) ?? 0) + 1)
    })
    const breakdown = [...tally].map(([kind, n]) => `${num(n)} ${kind}`).join(', ')
    parts.push(`_… ${count(hidden, 'more batch', 'more batches')} not shown (${breakdown})._`)
  }
  return parts.join('\n\n')
}

function denialSection(denial: NonNullable<SummaryModel['denial']>, budget: number): string {
  const { error } = denial
  const rows: string[][] = [
    ['Batch', denial.batch === undefined ? 'none (before any batch)' : num(denial.batch)],
    ['HTTP status', String(error.status)],
    ['error_code', inline(error.errorCode, MAX_CELL_CHARS) || NONE],
    ['error_msg', inline(error.errorMsg, MAX_TEXT_CHARS) || NONE]
  ]
  error.errorParams.forEach((param, index) =>
    rows.push([`error_param[${index}]`, inline(param, MAX_CELL_CHARS) || NONE])
  )
  error.details.forEach((detail, index) => {
    const text = [detail.errorCode, detail.errorMsg].filter((part) => part !== '').join(': ')
    rows.push([`details[${index}]`, inline(text, MAX_CELL_CHARS) || NONE])
  })
  rows.push(['request_id', inline(error.requestId ?? '', MAX_CELL_CHARS) || NONE])
  const encoded = error.encodedAuthorizationMessage ?? ''
  rows.push([
    'encoded_authorization_message',
    encoded === '' ? NONE : `${count(encoded.length, 'character')} (below)`
  ])
  const candidates = rows.slice(0, MAX_DENIAL_ROWS).map((cells, key) => ({ key, cells }))
  const { text, shownKeys } = fitTable(['Field', 'Value'], candidates, budget * DENIAL_TABLE_SHARE)

  const codeBytes = Math.floor(budget * CODE_BLOCK_SHARE)
  const parts = ['### ⛔ Access denied']
  if (text !== '') parts.push(text)
  const hidden = rows.length - shownKeys.size
  if (hidden > 0) parts.push(`_… ${count(hidden, 'more field')} not shown; see the job log._`)
  const advice = (denial.advice ?? []).slice(0, MAX_DENIAL_ROWS)
  if (advice.length > 0) {
    parts.push(advice.map((line) => `- ${inline(line, MAX_TEXT_CHARS, ' ')}`).join('\n'))
  }
  if (encoded !== '') {
    parts.push(
      details(
        `encoded_authorization_message (${count(encoded.length, 'character')})`,
        clippedCodeBlock(encoded, 'text', codeBytes)
      )
    )
    const decoded = denial.decoded
    if (decoded?.ok) {
      parts.push('#### Decoded authorization message')
      const pretty = prettyJsonObject(decoded.message)
      parts.push(clippedCodeBlock(pretty ?? decoded.message, pretty ? 'json' : 'text', codeBytes))
    } else {
      if (decoded) {
        parts.push(
          `**The authorization message could not be decoded:** ${inline(decoded.reason, MAX_TEXT_CHARS) || NONE}`
        )
      }
      parts.push(decodeByHand(denial.iamEndpoint))
    }
  }
  return parts.join('\n\n')
}

function decodeByHand(iamEndpoint: string | undefined): string {
  const endpoint = iamEndpoint?.replace(/\/+$/, '').replace(/\s+/g, '') || undefined
  const where = endpoint ? '' : ' ({iam-endpoint} is the IAM endpoint of your region)'
  return [
    'To decode it by hand, send it to IAM with credentials that have the permission ' +
      `\`sts::decodeAuthorizationMessage\`${where}:`,
    codeBlock(
      [
        `POST ${endpoint ?? 'https://{iam-endpoint}'}/v5/decode-authorization-message`,
        'Content-Type: application/json',
        '',
        '{"encoded_message": "<the encoded_authorization_message above>"}'
      ].join('\n'),
      'http'
    )
  ].join('\n\n')
}

function serverRow(server: SourceServer): string[] {
  return [
    inline(server.id, MAX_NAME_CHARS) || NONE,
    inline(server.name, MAX_NAME_CHARS) || NONE,
    inline(server.state, 100) || 'unknown',
    server.connected === undefined ? 'unknown' : server.connected ? 'yes' : 'no',
    isoTime(server.addDate)
  ]
}

function serverSection(servers: readonly SourceServer[], allowance: number): string {
  const title = `Selected servers (${num(servers.length)})`
  if (servers.length === 0) {
    return `### ${title}\n\nNo source server matched the selection.`
  }
  const candidates = servers
    .slice(0, MAX_SERVER_ROWS)
    .map((server, key) => ({ key, cells: serverRow(server) }))
  const { text, shownKeys } = fitTable(
    ['ID', 'Name', 'State', 'Agent connected', 'Registered'],
    candidates,
    allowance
  )
  const parts: string[] = []
  if (text !== '') parts.push(text)
  const hidden = servers.length - shownKeys.size
  if (hidden > 0) {
    const why =
      shownKeys.size === MAX_SERVER_ROWS
        ? `the summary lists at most ${num(MAX_SERVER_ROWS)}`
        : 'size limit of the summary'
    parts.push(`_… ${count(hidden, 'more server')} not shown (${why})._`)
  }
  const body = parts.join('\n\n')
  return servers.length > COLLAPSE_SERVERS_ABOVE ? details(title, body) : `### ${title}\n\n${body}`
}

// ---------------------------------------------------------------------------------------------
// Markdown building blocks

/** A collapsed block. The blank lines let GitHub render the Markdown inside. */
function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}

function tableLine(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`
}

/** A table of cells that are already escaped. */
function tableText(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [tableLine(headers), tableLine(headers.map(() => '---')), ...rows.map(tableLine)].join(
    '\n'
  )
}

/**
 * Takes candidate rows in priority order while they fit in maxBytes, and renders them in key
 * order. Gives '' when not even one row fits.
 */
function fitTable(
  headers: readonly string[],
  candidates: readonly { key: number; cells: readonly string[] }[],
  maxBytes: number
): { text: string; shownKeys: ReadonlySet<number> } {
  let bytes = byteLength(tableText(headers, []))
  const chosen: { key: number; cells: readonly string[] }[] = []
  for (const candidate of candidates) {
    const rowBytes = byteLength(tableLine(candidate.cells)) + 1
    if (bytes + rowBytes > maxBytes) break
    bytes += rowBytes
    chosen.push(candidate)
  }
  chosen.sort((a, b) => a.key - b.key)
  return {
    text:
      chosen.length === 0
        ? ''
        : tableText(
            headers,
            chosen.map((row) => row.cells)
          ),
    shownKeys: new Set(chosen.map((row) => row.key))
  }
}

/** Numeric references for every character that Markdown or HTML could read as syntax. */
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '~': '&#126;',
  $: '&#36;'
}
const ESCAPED_CHARS = /[&<>"|\\`*_[\]~$]/g
/** C0/C1 controls (tab and line breaks apart) and bidirectional overrides. */
const INVISIBLE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/**
 * An untrusted value as inline text, safe in a table cell or a paragraph: clipped to maxChars
 * code points, Markdown and HTML syntax escaped, line breaks as `<br>` (or `newline`).
 */
function inline(value: string, maxChars: number, newline = '<br>'): string {
  return clip(value, maxChars)
    .replace(INVISIBLE_CHARS, '\uFFFD')
    .replace(ESCAPED_CHARS, (char) => ESCAPES[char] ?? char)
    .replace(/\r\n?|\n/g, newline)
}

/** A fenced code block whose fence is longer than any run of backticks in the content. */
function codeBlock(content: string, language: string): string {
  const text = content.replace(/\r\n?/g, '\n').replaceAll('\u0000', '\uFFFD')
  let longest = 0
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`
}

/** A code block of at most about maxBytes, with a note when the content was cut. */
function clippedCodeBlock(content: string, language: string, maxBytes: number): string {
  const kept = clipBytes(content, maxBytes)
  if (kept.length === content.length) return codeBlock(content, language)
  const left = content.length - kept.length
  return `${codeBlock(kept, language)}\n\n_… ${count(left, 'more character')} not shown; the job log has it in full._`
}

/** The last-resort guard: cut at a line end so that the result fits in budget bytes. */
function fitToBudget(text: string, budget: number): string {
  if (byteLength(text) <= budget) return text
  const note = '\n\n_… the summary was cut here to stay under its size limit; see the job log._\n'
  const room = budget - byteLength(note)
  if (room <= 0) return clipBytes(text, budget)
  const cut = clipBytes(text, room)
  const lineEnd = cut.lastIndexOf('\n')
  return (lineEnd > 0 ? cut.slice(0, lineEnd) : cut) + note
}

// ---------------------------------------------------------------------------------------------
// Text helpers

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1
  if (codePoint < 0x800) return 2
  if (codePoint < 0x10000) return 3
  return 4
}

/** The longest prefix of text, on a code-point boundary, that is at most maxBytes of UTF-8. */
function clipBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text
  let bytes = 0
  let end = 0
  for (const char of text) {
    bytes += utf8Length(char.codePointAt(0) ?? 0)
    if (bytes > maxBytes) break
    end += char.length
  }
  return text.slice(0, end)
}

/** At most maxChars code points; a cut value ends in "…". */
function clip(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value
  const chars = Array.from(value)
  return chars.length <= maxChars ? value : `${chars.slice(0, maxChars - 1).join('')}…`
}

/** 4500 → "4,500". */
function num(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${num(n)} ${n === 1 ? singular : plural}`
}

/** 850 → "850 ms", 1234 → "1.2 s", 125000 → "2 min 5 s", 3720000 → "1 h 2 min". */
function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return NONE
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`
  const tenths = Math.round(ms / 100)
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  const minutes = Math.floor(seconds / 60)
  return `${num(Math.floor(minutes / 60))} h ${minutes % 60} min`
}

/** Epoch milliseconds as an ISO 8601 UTC time to the second; "unknown" when missing or invalid. */
function isoTime(ms: number | undefined): string {
  if (ms === undefined) return 'unknown'
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return 'unknown'
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}
