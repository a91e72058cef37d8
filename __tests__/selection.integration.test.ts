/** Scheduled cleanup: choosing servers by filter, dry-run, the deletion guard, and the summary file. */
import { describe, expect, it } from '@jest/globals'
import { FAKE_TOKEN, FakeSms, sampleIds, type FakeSourceServer } from './fake-sms/server.js'
import { useFakeSms } from './helpers/fake-sms-lifecycle.js'
import { runInProcess, type Inputs } from './helpers/action-run.js'

const DAY = 24 * 60 * 60 * 1000
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0)
const STATES = ['finished', 'error', 'replicate', 'waiting', 'cutovering']

/** 460 servers: states, connection and ages cycle with different periods, so filters combine. */
function fleet(): FakeSourceServer[] {
  return sampleIds(460).map((id, i) => ({
    id,
    name:
      i === 7
        ? 'web.01+(old)'
        : i === 8
          ? 'webX01+(old)'
          : `${i % 2 ? 'web' : 'db'}-${String(i).padStart(3, '0')}`,
    state: STATES[i % STATES.length] as string,
    connected: i % 3 === 0,
    add_date: NOW - (i % 7) * 10 * DAY
  }))
}

const startSms = useFakeSms(() => ({ servers: fleet() }))

const deps = { sleep: async (): Promise<void> => {}, now: () => NOW }
const json = (value: string | undefined): unknown => JSON.parse(value ?? 'null')

function inputs(server: FakeSms, extra: Inputs): Inputs {
  return { token: FAKE_TOKEN, endpoint: server.url, ...extra }
}

/** What the filters should select, computed independently from the fixture. */
function expected(predicate: (server: FakeSourceServer) => boolean): string[] {
  return fleet()
    .filter(predicate)
    .map((s) => s.id)
}

describe('selection', () => {
  it.each([
    [
      'state',
      { 'select-state': 'finished,error' },
      (s: FakeSourceServer) => ['finished', 'error'].includes(s.state)
    ],
    ['disconnected', { 'select-disconnected': 'true' }, (s: FakeSourceServer) => !s.connected],
    [
      'older than 30d',
      { 'select-older-than': '30d' },
      (s: FakeSourceServer) => NOW - s.add_date > 30 * DAY
    ],
    ['name glob', { 'select-name': 'web-1??' }, (s: FakeSourceServer) => /^web-1..$/.test(s.name)],
    [
      'every filter combined',
      {
        'select-state': 'finished, error',
        'select-disconnected': 'true',
        'select-older-than': '30d',
        'select-name': 'web-*\ndb-*'
      },
      (s: FakeSourceServer) =>
        ['finished', 'error'].includes(s.state) &&
        !s.connected &&
        NOW - s.add_date > 30 * DAY &&
        /^(web|db)-/.test(s.name)
    ]
  ])(
    'by %s: lists every page and deletes exactly the matches',
    async (_name, filters, predicate) => {
      const server = await startSms()
      const run = await runInProcess(inputs(server, filters), deps)
      const want = expected(predicate)
      expect(want.length).toBeGreaterThan(0)
      expect(want.length).toBeLessThan(460)
      expect(run.exitCode).toBe(0)
      expect(server.requestsTo('list').map((r) => r.query.get('offset'))).toEqual([
        '0',
        '200',
        '400'
      ])
      expect(server.requestsTo('list').every((r) => r.query.get('limit') === '200')).toBe(true)
      expect(json(run.outputs['planned-ids'])).toEqual(want)
      expect(json(run.outputs['deleted-ids'])).toEqual(want)
      expect(server.requestsTo('delete').flatMap((r) => r.ids)).toEqual(want)
    }
  )

  it('matches regex metacharacters in names literally', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-name': 'web.01+(old)', 'dry-run': 'true' }),
      deps
    )
    expect(json(run.outputs['planned-ids'])).toEqual([fleet()[7]?.id])
  })

  it('stops paging at an empty page, whatever count says', async () => {
    const server = await startSms({ emptyPagesFrom: 200 })
    const run = await runInProcess(
      inputs(server, { 'select-state': 'finished', 'dry-run': 'true' }),
      deps
    )
    expect(server.requestsTo('list')).toHaveLength(2)
    expect(json(run.outputs['planned-ids'])).toEqual(
      fleet()
        .slice(0, 200)
        .filter((s) => s.state === 'finished')
        .map((s) => s.id)
    )
  })

  it('succeeds without deleting when nothing matches', async () => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, { 'select-name': 'no-such-*' }), deps)
    expect(run.exitCode).toBe(0)
    expect(server.requestsTo('delete')).toHaveLength(0)
    expect(run.log).toContain('No source server matches the selection')
  })

  it('deletes nothing when listing fails, after retrying it', async () => {
    const server = await startSms()
    server.script(
      'list',
      { kind: 'respond', status: 200 },
      { kind: 'respond', status: 503 },
      { kind: 'respond', status: 503 }
    )
    const run = await runInProcess(
      inputs(server, { 'select-state': 'finished', 'max-retries': '1' }),
      deps
    )
    // The first page is an empty 200 body (not JSON): that alone must stop the run.
    expect(run.exitCode).toBe(1)
    expect(server.requestsTo('delete')).toHaveLength(0)
    expect(run.log).toContain('Listing source servers (GET /v3/sources, offset 0)')
  })

  it('retries a throttled listing and stops on a denied one', async () => {
    const server = await startSms()
    server.script(
      'list',
      { kind: 'respond', status: 429 },
      { kind: 'respond', status: 403, body: '{"error_code":"SMS.9004","error_msg":"no list"}' }
    )
    const run = await runInProcess(inputs(server, { 'select-state': 'finished' }), deps)
    expect(server.requestsTo('list')).toHaveLength(2)
    expect(server.requestsTo('delete')).toHaveLength(0)
    expect(run.exitCode).toBe(1)
    expect(run.log).toMatch(/::error title=SMS permission denied \(SMS\.9004\)::/)
  })

  it.each([
    [{ 'select-state': 'finished,done,gone' }, ["'select-state'", '"done"', '"gone"', 'finished']],
    [{ 'select-older-than': '30x' }, ["'select-older-than'", '"30x"']],
    [{ 'select-older-than': '0d' }, ["'select-older-than'", '"0d"']],
    [{ 'select-disconnected': 'maybe' }, ["'select-disconnected'", '"maybe"']],
    [{ 'max-deletions': '-1', 'select-state': 'error' }, ["'max-deletions'", '"-1"']],
    [{ ids: 'a', 'select-state': 'error' }, ["'ids'", "'select-state'", 'not both']]
  ])('rejects bad selection input %#, with no request', async (extra, fragments) => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, extra), deps)
    expect(run.exitCode).toBe(1)
    expect(server.requests).toHaveLength(0)
    for (const fragment of fragments) expect(run.log).toContain(fragment)
  })
})

describe('dry-run and max-deletions', () => {
  it('sends no delete in selection mode, and reports the plan', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-state': 'error', 'dry-run': 'true' }),
      deps
    )
    expect(run.exitCode).toBe(0)
    expect(server.requestsTo('delete')).toHaveLength(0)
    expect(json(run.outputs['planned-ids'])).toEqual(expected((s) => s.state === 'error'))
    expect(json(run.outputs['deleted-ids'])).toEqual([])
    expect(json(run.outputs['failed-ids'])).toEqual([])
    expect(run.log).toMatch(
      /::notice title=Dry run::Dry run: 92 source server\(s\) would be deleted/
    )
  })

  it('sends no request at all in ID mode', async () => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, { ids: 'a\nb\na', 'dry-run': 'true' }), deps)
    expect(server.requests).toHaveLength(0)
    expect(json(run.outputs['planned-ids'])).toEqual(['a', 'b'])
  })

  it('refuses a plan over max-deletions before deleting anything', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-state': 'error', 'max-deletions': '50' }),
      deps
    )
    expect(run.exitCode).toBe(1)
    expect(server.requestsTo('delete')).toHaveLength(0)
    expect(run.log).toContain('plans to delete 92 source server(s), more than max-deletions (50)')
    const planned = json(run.outputs['planned-ids']) as string[]
    expect(json(run.outputs['failed-ids'])).toEqual(planned)
    expect(json(run.outputs['deleted-ids'])).toEqual([])
  })

  it('fails a dry run whose plan a real run would refuse, with the dry-run outputs', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-state': 'error', 'max-deletions': '50', 'dry-run': 'true' }),
      deps
    )
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain('more than max-deletions (50)')
    expect(json(run.outputs['planned-ids'])).toHaveLength(92)
    expect(json(run.outputs['failed-ids'])).toEqual([])
  })

  it('allows a plan equal to max-deletions', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-state': 'error', 'max-deletions': '92' }),
      deps
    )
    expect(run.exitCode).toBe(0)
    expect(run.outputs['deleted-count']).toBe('92')
  })
})

describe('job summary', () => {
  it('is written in selection mode, with the overview, the batches and the selected servers', async () => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, { 'select-state': 'error' }), deps)
    expect(run.summary).toContain('Huawei Cloud SMS cleanup')
    expect(run.summary).toContain('state in {error}')
    expect(run.summary).toContain(new URL(server.url).host)
    expect(run.summary).toContain('<details>')
    expect(run.summary).toContain(fleet()[1]?.id)
    expect(run.summary).not.toContain(fleet()[4]?.id)
    expect(run.summary).not.toContain(FAKE_TOKEN)
  })

  it('shows a dry-run banner', async () => {
    const server = await startSms()
    const run = await runInProcess(
      inputs(server, { 'select-state': 'error', 'dry-run': 'true' }),
      deps
    )
    expect(run.summary).toMatch(/DRY RUN/i)
  })

  it('is written on invalid input too', async () => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, { 'select-older-than': 'soon' }), deps)
    expect(run.summary).toContain('select-older-than')
  })
})
