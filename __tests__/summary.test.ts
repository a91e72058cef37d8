import { describe, expect, it } from '@jest/globals'
import type { ApiErrorDetails } from '../src/api-error.js'
import { FailureCode, type BatchFailure, type DeleteBatchResult } from '../src/results.js'
import type { SourceServer } from '../src/selection.js'
import { SUMMARY_BYTE_BUDGET, renderSummary, type SummaryModel } from '../src/summary.js'

// ---------------------------------------------------------------------------------------------
// A small reader for the rendered Markdown

interface Table {
  headers: string[]
  rows: string[][]
}

/** Undoes the escaping the summary applies to cell and paragraph text. */
function decode(text: string): string {
  return text
    .replace(/<br>/g, '\n')
    .replace(/\\\|/g, '|')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}

/** Splits a table line on unescaped `|`, as GFM does. Cells are returned raw (not decoded). */
function splitRow(line: string): string[] {
  const inner = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim())
}

/** Lines of the document outside fenced code blocks, with their line numbers. */
function proseLines(md: string): { line: string; index: number }[] {
  const out: { line: string; index: number }[] = []
  let fence: string | undefined
  md.split('\n').forEach((line, index) => {
    if (fence === undefined) {
      const open = /^(`{3,})[^`]*$/.exec(line)
      if (open) fence = open[1]
      else out.push({ line, index })
    } else if (new RegExp(`^\`{${fence.length},}\\s*$`).test(line)) {
      fence = undefined
    }
  })
  return out
}

/**
 * The first table after the line that contains `marker` (a heading or a <summary>), before the
 * next heading. Cells are decoded. Checks the delimiter row and the column count of every row.
 */
function tableAfter(md: string, marker: string): Table | undefined {
  const lines = md.split('\n')
  const start = lines.findIndex((line) => line.includes(marker))
  if (start < 0) return undefined
  let i = start + 1
  while (i < lines.length && !(lines[i] ?? '').startsWith('|')) {
    if (/^#{1,6} /.test(lines[i] ?? '')) return undefined
    i++
  }
  if (i >= lines.length) return undefined
  const block: string[] = []
  while (i < lines.length && (lines[i] ?? '').startsWith('|')) block.push(lines[i++] ?? '')
  const [head, delimiter, ...body] = block
  expect(delimiter).toMatch(/^\|( *:?-{3,}:? *\|)+$/)
  const headers = splitRow(head ?? '').map(decode)
  expect(splitRow(delimiter ?? '')).toHaveLength(headers.length)
  const rows = body.map((line) => {
    const cells = splitRow(line)
    expect(cells).toHaveLength(headers.length)
    return cells.map(decode)
  })
  return { headers, rows }
}

/** The Field/Value or Item/Value table as a map. */
function keyValues(table: Table | undefined): Record<string, string> {
  expect(table).toBeDefined()
  return Object.fromEntries((table?.rows ?? []).map(([key, value]) => [key, value]))
}

function column(table: Table | undefined, header: string): string[] {
  expect(table).toBeDefined()
  const index = table?.headers.indexOf(header) ?? -1
  expect(index).toBeGreaterThanOrEqual(0)
  return (table?.rows ?? []).map((row) => row[index] ?? '')
}

/** The content of the first fenced code block after the line that contains `marker`. */
function codeBlockAfter(md: string, marker: string): { language: string; content: string } {
  const lines = md.split('\n')
  const start = lines.findIndex((line) => line.includes(marker))
  expect(start).toBeGreaterThanOrEqual(0)
  let i = start + 1
  let open: RegExpExecArray | null = null
  while (i < lines.length && !(open = /^(`{3,})([^`]*)$/.exec(lines[i] ?? ''))) i++
  expect(open).not.toBeNull()
  const fence = open?.[1] ?? '```'
  // CommonMark: the block ends at a line of at least as many backticks and nothing else.
  const close = new RegExp(`^\`{${fence.length},}\\s*$`)
  const content: string[] = []
  for (i++; i < lines.length && !close.test(lines[i] ?? ''); i++) content.push(lines[i] ?? '')
  expect(i).toBeLessThan(lines.length)
  return { language: open?.[2] ?? '', content: content.join('\n') }
}

/** The bold one-line verdict (the first bold paragraph that is not the banner or the error). */
function verdictOf(md: string): string {
  const line = proseLines(md).find(
    ({ line }) => line.startsWith('**') && !line.startsWith('**Error:')
  )
  expect(line).toBeDefined()
  return decode((line?.line ?? '').replace(/^\*\*|\*\*$/g, ''))
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/** Renders and checks what must hold for every summary. */
function render(model: SummaryModel, budget?: number): string {
  const md = budget === undefined ? renderSummary(model) : renderSummary(model, budget)
  expect(byteLength(md)).toBeLessThanOrEqual(budget ?? SUMMARY_BYTE_BUDGET)
  expect(md.startsWith('## Huawei Cloud SMS cleanup\n')).toBe(true)
  // The only HTML outside code blocks is ours.
  for (const { line } of proseLines(md)) {
    for (const match of line.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) {
      expect(['details', 'summary', 'br']).toContain(match[1])
    }
  }
  return md
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const HOST = 'sms.ap-southeast-1.myhuaweicloud.com'
const NOW = Date.UTC(2025, 0, 31, 12, 0, 0)
const DAY = 24 * 60 * 60 * 1000

function idList(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`)
}

function deletedBatch(batch: number, ids: string[], alreadyAbsent = 0): DeleteBatchResult {
  return {
    batch,
    ids,
    deletedIds: [...ids],
    failedIds: [],
    alreadyAbsentIds: ids.slice(0, alreadyAbsent),
    attempts: 1
  }
}

function failedBatch(batch: number, ids: string[], failure: BatchFailure): DeleteBatchResult {
  return {
    batch,
    ids,
    deletedIds: [],
    failedIds: [...ids],
    alreadyAbsentIds: [],
    failure,
    attempts: 3
  }
}

function notAttemptedBatch(batch: number, ids: string[], deniedBatch: number): DeleteBatchResult {
  return {
    ...failedBatch(batch, ids, {
      status: null,
      errorCode: FailureCode.notAttempted,
      errorMsg: `Not attempted: the run stopped after batch ${deniedBatch} was denied.`
    }),
    attempts: 0
  }
}

function model(overrides: Partial<SummaryModel> = {}): SummaryModel {
  return {
    outcome: 'deleted',
    dryRun: false,
    mode: { kind: 'ids' },
    endpointHost: HOST,
    planned: 0,
    deleted: 0,
    failed: 0,
    retries: 0,
    durationMs: 1234,
    batches: [],
    ...overrides
  }
}

function server(overrides: Partial<SourceServer> = {}): SourceServer {
  return {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    name: 'web-01',
    state: 'finished',
    connected: false,
    addDate: NOW - 40 * DAY,
    ...overrides
  }
}

function manyServers(n: number, name: (i: number) => string): SourceServer[] {
  return Array.from({ length: n }, (_, i) =>
    server({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: name(i),
      connected: i % 3 === 0 ? undefined : i % 2 === 0
    })
  )
}

function denialError(overrides: Partial<ApiErrorDetails> = {}): ApiErrorDetails {
  return {
    status: 403,
    errorCode: 'SMS.9004',
    errorMsg: 'You do not have permission to perform action sms:server:delete on resource.',
    requestId: 'req-0b1c2d3e',
    errorParams: ['sms:server:delete', 'a1b2'],
    details: [{ errorCode: 'IAM.0001', errorMsg: 'Policy doesn’t allow sms:server:delete.' }],
    encodedAuthorizationMessage: 'Q'.repeat(64_000),
    ...overrides
  }
}

/** 120 IDs: 40 + 40 deleted (3 of them found already absent), 20 partial, 20 failed. */
function partialModel(): SummaryModel {
  const ids = idList('src', 120)
  const partial = ids.slice(80, 100)
  return model({
    outcome: 'partial',
    planned: 120,
    deleted: 90,
    failed: 30,
    retries: 4,
    durationMs: 125_000,
    batches: [
      deletedBatch(1, ids.slice(0, 40)),
      deletedBatch(2, ids.slice(40, 80), 3),
      {
        batch: 3,
        ids: partial,
        deletedIds: partial.slice(0, 10),
        failedIds: partial.slice(10),
        alreadyAbsentIds: partial.slice(0, 10),
        failure: {
          status: 400,
          errorCode: 'SMS.6505',
          errorMsg: 'The source server is migrating.'
        },
        attempts: 2
      },
      failedBatch(4, ids.slice(100), {
        status: null,
        errorCode: FailureCode.timeout,
        errorMsg: 'timed out after 30 s (after 3 attempts)'
      })
    ]
  })
}

const BATCH_HEADERS = ['Batch', 'IDs', 'Result', 'HTTP status', 'Error code', 'Message']
const SERVER_HEADERS = ['ID', 'Name', 'State', 'Agent connected', 'Registered']

// ---------------------------------------------------------------------------------------------

describe('renderSummary: deletion by ID', () => {
  it('reports a full success with the overview and one row per batch', () => {
    const ids = idList('src', 120)
    const md = render(
      model({
        outcome: 'deleted',
        planned: 120,
        deleted: 120,
        batches: [
          deletedBatch(1, ids.slice(0, 50)),
          deletedBatch(2, ids.slice(50, 100)),
          deletedBatch(3, ids.slice(100))
        ]
      })
    )
    expect(verdictOf(md)).toBe('✅ Deleted 120 of 120 source servers.')
    expect(md).not.toContain('[!NOTE]')
    expect(keyValues(tableAfter(md, '### Overview'))).toEqual({
      Mode: 'IDs',
      'Endpoint host': HOST,
      Planned: '120',
      Deleted: '120',
      Failed: '0',
      Retries: '0',
      Duration: '1.2 s'
    })
    const batches = tableAfter(md, '### Batches')
    expect(batches?.headers).toEqual(BATCH_HEADERS)
    expect(batches?.rows).toEqual([
      ['1', '50', 'deleted', '—', '—', '—'],
      ['2', '50', 'deleted', '—', '—', '—'],
      ['3', '20', 'deleted', '—', '—', '—']
    ])
    expect(md).not.toContain('Access denied')
    expect(md).not.toContain('Selected servers')
    expect(md).not.toContain('not shown')
  })

  it('reports a partial failure batch by batch', () => {
    const md = render(partialModel())
    expect(verdictOf(md)).toBe('⚠️ Deleted 90 of 120 source servers; 30 failed.')
    const overview = keyValues(tableAfter(md, '### Overview'))
    expect(overview).toMatchObject({
      Planned: '120',
      Deleted: '90',
      Failed: '30',
      Retries: '4',
      Duration: '2 min 5 s'
    })
    const batches = tableAfter(md, '### Batches')
    expect(batches?.rows).toEqual([
      ['1', '40', 'deleted', '—', '—', '—'],
      ['2', '40', 'deleted', '—', '—', '3 already absent, counted as deleted'],
      [
        '3',
        '20',
        'partial',
        '400',
        'SMS.6505',
        '10 deleted (10 already absent, counted as deleted), 10 failed: The source server is migrating.'
      ],
      ['4', '20', 'failed', '—', 'TIMEOUT', 'timed out after 30 s (after 3 attempts)']
    ])
  })

  it('reports a run that failed with an unexpected error', () => {
    const ids = idList('src', 10)
    const md = render(
      model({
        outcome: 'failed',
        planned: 10,
        failed: 10,
        errorMessage: 'socket hang up',
        batches: [
          failedBatch(1, ids, { status: 502, errorCode: 'HTTP_502', errorMsg: 'Bad Gateway' })
        ]
      })
    )
    expect(verdictOf(md)).toBe('❌ Failed: deleted 0 of 10 source servers; 10 failed.')
    expect(md).toContain('**Error:** socket hang up')
    expect(column(tableAfter(md, '### Batches'), 'HTTP status')).toEqual(['502'])
  })

  it('shows failed batches first when there are more batches than the table holds', () => {
    const batches = Array.from({ length: 500 }, (_, i) => {
      const ids = idList(`b${i + 1}`, 2)
      return i + 1 >= 400 && i + 1 <= 404
        ? failedBatch(i + 1, ids, { status: 500, errorCode: 'SMS.0001', errorMsg: 'boom' })
        : deletedBatch(i + 1, ids)
    })
    const md = render(
      model({ outcome: 'partial', planned: 1000, deleted: 990, failed: 10, batches })
    )
    const table = tableAfter(md, '### Batches')
    expect(table?.rows).toHaveLength(200)
    const numbers = column(table, 'Batch').map(Number)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(numbers).toEqual(expect.arrayContaining([400, 401, 402, 403, 404]))
    expect(column(table, 'Result').filter((r) => r === 'failed')).toHaveLength(5)
    expect(md).toContain('_… 300 more batches not shown (300 deleted)._')
  })

  it('formats durations for humans', () => {
    const cases: [number, string][] = [
      [0, '0 ms'],
      [850, '850 ms'],
      [999.6, '1.0 s'],
      [1234, '1.2 s'],
      [59_960, '1 min 0 s'],
      [125_000, '2 min 5 s'],
      [3_720_000, '1 h 2 min']
    ]
    for (const [durationMs, text] of cases) {
      const overview = keyValues(tableAfter(render(model({ durationMs })), '### Overview'))
      expect([durationMs, overview.Duration]).toEqual([durationMs, text])
    }
  })
})

describe('renderSummary: denial', () => {
  const ids = idList('src', 150)
  const deniedBatches = [
    failedBatch(1, ids.slice(0, 50), {
      status: 403,
      errorCode: 'SMS.9004',
      errorMsg: 'You do not have permission.'
    }),
    notAttemptedBatch(2, ids.slice(50, 100), 1),
    notAttemptedBatch(3, ids.slice(100), 1)
  ]
  const denied = (decoded: NonNullable<SummaryModel['denial']>['decoded']): SummaryModel =>
    model({
      outcome: 'denied',
      planned: 150,
      failed: 150,
      batches: deniedBatches,
      denial: { batch: 1, error: denialError(), decoded }
    })

  it('shows every detail and the decoded message, pretty-printed', () => {
    const decodedJson = {
      allowed: false,
      explicitDeny: [{ statement: 'Deny `sms:*`', note: '<b>not html</b>' }],
      action: 'sms:server:delete'
    }
    const md = render(denied({ ok: true, message: JSON.stringify(decodedJson) }))
    expect(verdictOf(md)).toBe(
      '⛔ Denied (SMS.9004): the run stopped after batch 1; nothing deleted.'
    )
    expect(keyValues(tableAfter(md, '### ⛔ Access denied'))).toEqual({
      Batch: '1',
      'HTTP status': '403',
      error_code: 'SMS.9004',
      error_msg: 'You do not have permission to perform action sms:server:delete on resource.',
      'error_param[0]': 'sms:server:delete',
      'error_param[1]': 'a1b2',
      'details[0]': 'IAM.0001: Policy doesn’t allow sms:server:delete.',
      request_id: 'req-0b1c2d3e',
      encoded_authorization_message: '64,000 characters (below)'
    })
    // The 64 KB encoded message in full, collapsed.
    expect(md).toContain(
      '<details><summary>encoded_authorization_message (64,000 characters)</summary>'
    )
    expect(codeBlockAfter(md, '<summary>encoded_authorization_message').content).toBe(
      'Q'.repeat(64_000)
    )
    const decoded = codeBlockAfter(md, '#### Decoded authorization message')
    expect(decoded.language).toBe('json')
    expect(decoded.content).toBe(JSON.stringify(decodedJson, null, 2))
    expect(md).not.toContain('could not be decoded')
    expect(md).not.toContain('decode it by hand')

    const batches = tableAfter(md, '### Batches')
    expect(column(batches, 'Result')).toEqual(['failed', 'not attempted', 'not attempted'])
    expect(column(batches, 'HTTP status')).toEqual(['403', '—', '—'])
    expect(column(batches, 'Error code')).toEqual(['SMS.9004', '—', '—'])
    expect(column(batches, 'Message')[1]).toBe(
      'Not attempted: the run stopped after batch 1 was denied.'
    )
  })

  it('keeps a decoded message that is not JSON as text', () => {
    const md = render(denied({ ok: true, message: 'plain ``` text' }))
    expect(codeBlockAfter(md, '#### Decoded authorization message')).toEqual({
      language: 'text',
      content: 'plain ``` text'
    })
  })

  it('explains why decoding failed and how to decode by hand', () => {
    const reason = 'IAM answered HTTP 403 IAM.0002: <no permission> | sts'
    const md = render(denied({ ok: false, reason }))
    const line = proseLines(md).find(({ line }) => line.includes('could not be decoded'))
    expect(decode(line?.line ?? '')).toBe(
      `**The authorization message could not be decoded:** ${reason}`
    )
    expect(md).not.toContain('#### Decoded authorization message')
    expect(md).toContain('`sts::decodeAuthorizationMessage`')
    const howTo = codeBlockAfter(md, 'decode it by hand')
    expect(howTo.content).toContain('POST https://{iam-endpoint}/v5/decode-authorization-message')
    expect(howTo.content).toContain('{"encoded_message": ')
    // The details are still all there.
    expect(keyValues(tableAfter(md, '### ⛔ Access denied')).request_id).toBe('req-0b1c2d3e')
  })

  it('uses the IAM endpoint in the decode-by-hand request when it is known', () => {
    const md = render(
      model({
        outcome: 'denied',
        denial: {
          batch: 1,
          error: denialError(),
          decoded: { ok: false, reason: "decode-authorization-message is 'false'." },
          iamEndpoint: 'https://iam.ap-southeast-1.myhuaweicloud.com/'
        }
      })
    )
    expect(codeBlockAfter(md, 'decode it by hand').content).toContain(
      'POST https://iam.ap-southeast-1.myhuaweicloud.com/v5/decode-authorization-message'
    )
    expect(md).not.toContain('{iam-endpoint}')
  })

  it('reports a denial that came before any batch (while listing)', () => {
    const md = render(
      model({
        outcome: 'denied',
        mode: { kind: 'selection', filters: 'state in {error}' },
        denial: { error: denialError({ encodedAuthorizationMessage: undefined }) }
      })
    )
    expect(verdictOf(md)).toBe(
      '⛔ Denied (SMS.9004): the run stopped before any deletion was sent; nothing deleted.'
    )
    expect(keyValues(tableAfter(md, '### ⛔ Access denied')).Batch).toBe('none (before any batch)')
    expect(md).not.toContain('### Batches')
  })

  it('offers no decoding when the denial carries no encoded message', () => {
    const md = render(
      model({
        outcome: 'denied',
        planned: 50,
        failed: 50,
        batches: deniedBatches.slice(0, 1),
        denial: {
          batch: 1,
          advice: ['The request was not authenticated: the token | has <expired>.'],
          error: denialError({
            status: 401,
            errorCode: 'APIGW.0301',
            encodedAuthorizationMessage: undefined,
            errorParams: [],
            details: [],
            requestId: undefined
          })
        }
      })
    )
    expect(verdictOf(md)).toBe(
      '⛔ Denied (APIGW.0301): the run stopped after batch 1; nothing deleted.'
    )
    const fields = keyValues(tableAfter(md, '### ⛔ Access denied'))
    expect(fields.encoded_authorization_message).toBe('—')
    expect(fields.request_id).toBe('—')
    expect(Object.keys(fields).filter((key) => key.startsWith('error_param'))).toEqual([])
    expect(md).not.toContain('decode-authorization-message')
    expect(md).toContain(
      '- The request was not authenticated: the token &#124; has &lt;expired&gt;.'
    )
  })
})

describe('renderSummary: dry run and selection', () => {
  it('puts a banner first and has no batch table (IDs)', () => {
    const md = render(model({ outcome: 'dry-run', dryRun: true, planned: 120 }))
    const lines = md.split('\n')
    expect(lines.slice(0, 4)).toEqual([
      '## Huawei Cloud SMS cleanup',
      '',
      '> [!NOTE]',
      '> **DRY RUN — nothing was deleted.** 120 source servers would be deleted.'
    ])
    expect(verdictOf(md)).toBe('🧪 Dry run: 120 source servers would be deleted.')
    expect(md).not.toContain('### Batches')
    expect(tableAfter(md, '### Batches')).toBeUndefined()
    expect(keyValues(tableAfter(md, '### Overview'))).toMatchObject({
      Mode: 'IDs',
      Planned: '120',
      Deleted: '0'
    })
  })

  it('lists the selected servers (selection, up to 10: not collapsed)', () => {
    const servers = [
      server({
        id: 'id-1',
        name: 'web-01',
        connected: true,
        addDate: Date.UTC(2024, 4, 6, 7, 8, 9)
      }),
      server({ id: 'id-2', name: '', state: '', connected: false, addDate: undefined }),
      server({ id: 'id-3', name: 'db', state: 'error', connected: undefined, addDate: 1e20 })
    ]
    const md = render(
      model({
        outcome: 'dry-run',
        dryRun: true,
        mode: { kind: 'selection', filters: 'state in {error, finished}; Agent disconnected' },
        planned: 3,
        selectedServers: servers
      })
    )
    expect(md).toContain('> **DRY RUN — nothing was deleted.** 3 source servers would be deleted.')
    expect(md).not.toContain('### Batches')
    expect(keyValues(tableAfter(md, '### Overview')).Mode).toBe(
      'Selection: state in {error, finished}; Agent disconnected'
    )
    expect(md).not.toContain('<details>')
    const table = tableAfter(md, '### Selected servers (3)')
    expect(table?.headers).toEqual(SERVER_HEADERS)
    expect(table?.rows).toEqual([
      ['id-1', 'web-01', 'finished', 'yes', '2024-05-06T07:08:09Z'],
      ['id-2', '—', 'unknown', 'no', 'unknown'],
      ['id-3', 'db', 'error', 'unknown', 'unknown']
    ])
  })

  it('collapses more than 10 selected servers', () => {
    const servers = manyServers(11, (i) => `web-${i}`)
    const md = render(
      model({
        outcome: 'deleted',
        mode: { kind: 'selection', filters: 'name matches web-*' },
        planned: 11,
        deleted: 11,
        selectedServers: servers,
        batches: [
          deletedBatch(
            1,
            servers.map((s) => s.id)
          )
        ]
      })
    )
    expect(md).toContain('<details><summary>Selected servers (11)</summary>')
    expect(md).not.toContain('### Selected servers')
    expect(tableAfter(md, '<summary>Selected servers (11)</summary>')?.rows).toHaveLength(11)
    expect(md.indexOf('### Batches')).toBeLessThan(md.indexOf('<summary>Selected servers'))
  })

  it('says when nothing matched the selection', () => {
    const md = render(
      model({
        outcome: 'nothing-to-do',
        mode: { kind: 'selection', filters: 'state in {error}' },
        selectedServers: []
      })
    )
    expect(verdictOf(md)).toBe('Nothing to delete: no source server matched the selection.')
    expect(md).toContain('### Selected servers (0)\n\nNo source server matched the selection.')
    expect(md).not.toContain('### Batches')
  })

  it('keeps 5,000 selected servers and 100 failed batches under the budget', () => {
    const servers = manyServers(5000, (i) => `${'srv-long-name-'.repeat(20)}${i}`.slice(-255))
    const message = 'm'.repeat(300)
    const batches = Array.from({ length: 100 }, (_, i) =>
      failedBatch(
        i + 1,
        servers.slice(i * 50, i * 50 + 50).map((s) => s.id),
        { status: 500, errorCode: 'SMS.0001', errorMsg: message }
      )
    )
    const md = render(
      model({
        outcome: 'failed',
        mode: { kind: 'selection', filters: 'state in {error}' },
        planned: 5000,
        failed: 5000,
        batches,
        selectedServers: servers
      })
    )
    expect(byteLength(md)).toBeLessThan(SUMMARY_BYTE_BUDGET)
    const table = tableAfter(md, '<summary>Selected servers (5,000)</summary>')
    expect(table?.rows).toHaveLength(1000)
    expect(column(table, 'ID')).toEqual(servers.slice(0, 1000).map((s) => s.id))
    // Names longer than 200 characters are cut with an ellipsis.
    expect(column(table, 'Name')[0]).toBe(`${(servers[0]?.name ?? '').slice(0, 199)}…`)
    expect(md).toContain('_… 4,000 more servers not shown (the summary lists at most 1,000)._')
    const batchTable = tableAfter(md, '### Batches')
    expect(batchTable?.rows).toHaveLength(100)
    expect(column(batchTable, 'Message').every((m) => m === message)).toBe(true)
  })

  it('stops listing servers at the byte budget when every character needs escaping', () => {
    const servers = manyServers(5000, (i) => `<&|\`*_>${i}`.padEnd(255, '<&|'))
    const hostile = '<script>|&`'.repeat(30)
    const batches = Array.from({ length: 100 }, (_, i) =>
      failedBatch(i + 1, [`id-${i}`], { status: 500, errorCode: 'SMS.0001', errorMsg: hostile })
    )
    const md = render(
      model({
        outcome: 'failed',
        mode: { kind: 'selection', filters: 'name matches <&|*' },
        planned: 5000,
        failed: 5000,
        batches,
        selectedServers: servers
      })
    )
    const rows = tableAfter(md, '<summary>Selected servers (5,000)</summary>')?.rows ?? []
    expect(rows.length).toBeGreaterThan(100)
    expect(rows.length).toBeLessThan(1000)
    expect(md).toContain(
      `_… ${(5000 - rows.length).toLocaleString('en-US')} more servers not shown (size limit of the summary)._`
    )
    expect(rows[0]?.[1]).toBe(`${(servers[0]?.name ?? '').slice(0, 199)}…`)
  })

  it('enforces the byte budget as a last resort', () => {
    const md = render(model({ outcome: 'invalid-input', errorMessage: '<>&'.repeat(1300) }), 4096)
    expect(byteLength(md)).toBeLessThanOrEqual(4096)
    expect(md).toContain('the summary was cut here to stay under its size limit')
  })

  it('fits a smaller budget by listing fewer servers', () => {
    const servers = manyServers(5000, (i) => `server-${i}`)
    const budget = 64 * 1024
    const md = render(
      model({
        outcome: 'dry-run',
        dryRun: true,
        mode: { kind: 'selection', filters: 'state in {error}' },
        planned: 5000,
        selectedServers: servers
      }),
      budget
    )
    const rows = tableAfter(md, '<summary>Selected servers (5,000)</summary>')?.rows ?? []
    expect(rows.length).toBeGreaterThan(0)
    expect(md).toContain(
      `_… ${(5000 - rows.length).toLocaleString('en-US')} more servers not shown`
    )
    expect(md).not.toContain('cut here')
  })
})

describe('renderSummary: escaping', () => {
  it('keeps tables intact whatever the names and messages contain', () => {
    const names = [
      'web|01',
      '<script>alert(1)</script>',
      'line1\nline2\r\nline3',
      'a `code` and ``` fence',
      '**bold** [link](https://example.com) &amp; $x$ ~~gone~~ \\|',
      'trailing pipe |'
    ]
    const servers = names.map((name, i) => server({ id: `id-${i}|x`, name }))
    const message = 'bad | pipe <img src=x onerror=alert(1)>\nsecond `line`'
    const md = render(
      model({
        outcome: 'failed',
        mode: { kind: 'selection', filters: 'name matches *|*' },
        endpointHost: 'evil.example<b>|</b>',
        planned: 6,
        failed: 6,
        selectedServers: servers,
        batches: [
          failedBatch(
            1,
            servers.map((s) => s.id),
            { status: 400, errorCode: 'SMS.`|`', errorMsg: message }
          )
        ]
      })
    )
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<img')
    expect(md).not.toContain('<b>')
    const table = tableAfter(md, '### Selected servers (6)')
    expect(table?.rows).toHaveLength(6)
    // Line breaks come back as <br>: \r\n and \n both read as one break.
    expect(column(table, 'Name')).toEqual(names.map((n) => n.replace(/\r\n/g, '\n')))
    expect(column(table, 'ID')).toEqual(servers.map((s) => s.id))
    // Nothing in a cell is Markdown syntax any more.
    for (const row of md.split('\n').filter((line) => line.startsWith('| id-'))) {
      expect(row.slice(1, -1)).not.toMatch(/[`*[\]~$\\]|\|(?! )/)
    }
    const batch = tableAfter(md, '### Batches')
    expect(batch?.rows[0]).toEqual(['1', '6', 'failed', '400', 'SMS.`|`', message])
    const overview = keyValues(tableAfter(md, '### Overview'))
    expect(overview['Endpoint host']).toBe('evil.example<b>|</b>')
    expect(overview.Mode).toBe('Selection: name matches *|*')
  })

  it('uses a code fence longer than any backtick run in the content', () => {
    const message = 'x\n```\n````\n`````json\nnot the end\n```'
    const md = render(
      model({
        outcome: 'denied',
        denial: { batch: 1, error: denialError(), decoded: { ok: true, message } }
      })
    )
    expect(codeBlockAfter(md, '#### Decoded authorization message').content).toBe(message)
    expect(md).toContain('``````text\n')
  })

  it('escapes the error code in the verdict and the error message in invalid input', () => {
    const errorMessage = 'Input \'ids\': "a|b<c>" is not an ID.\nUse `one` per line.'
    const md = render(model({ outcome: 'invalid-input', endpointHost: '', errorMessage }))
    expect(verdictOf(md)).toBe('❌ Invalid input: nothing was sent.')
    const line = proseLines(md).find(({ line }) => line.startsWith('**Error:**'))
    expect((line?.line ?? '').replace(/<br>/g, ' ')).not.toMatch(/[<`|]/)
    expect(decode(line?.line ?? '')).toBe(`**Error:** ${errorMessage}`)
    expect(md).not.toContain('### Batches')
    expect(keyValues(tableAfter(md, '### Overview'))['Endpoint host']).toBe('—')

    const denied = render(
      model({
        outcome: 'denied',
        denial: { batch: 2, error: denialError({ errorCode: 'X<y>|\nz' }) }
      })
    )
    expect(verdictOf(denied)).toBe(
      '⛔ Denied (X<y>| z): the run stopped after batch 2; nothing deleted.'
    )
  })
})
