/** Retries, timeouts, throttling and lost responses, against the fake server with scripted faults. */
import { describe, expect, it } from '@jest/globals'
import { FAKE_TOKEN, FakeSms, sampleIds, type Fault } from './fake-sms/server.js'
import { useFakeSms } from './helpers/fake-sms-lifecycle.js'
import { runInProcess, type Inputs } from './helpers/action-run.js'

const startSms = useFakeSms()

/** Records the waits the action asks for instead of waiting. */
function fakeClock(): {
  waits: number[]
  sleep: (ms: number) => Promise<void>
  random: () => number
} {
  const waits: number[] = []
  return { waits, sleep: async (ms) => void waits.push(ms), random: () => 0.5 }
}

function inputs(server: FakeSms, ids: string[], extra: Inputs = {}): Inputs {
  return { ids: ids.join('\n'), token: FAKE_TOKEN, endpoint: server.url, ...extra }
}

const json = (value: string | undefined): unknown => JSON.parse(value ?? 'null')
const respond = (status: number, body = '', headers: Record<string, string> = {}): Fault => ({
  kind: 'respond',
  status,
  body,
  headers
})

describe('retries', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(status), respond(status))
    const clock = fakeClock()
    const run = await runInProcess(inputs(server, ['a']), clock)
    expect(run.exitCode).toBe(0)
    expect(server.requestsTo('delete')).toHaveLength(3)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
    expect(clock.waits).toHaveLength(2)
    expect(run.log).toMatch(
      new RegExp(`Batch 1: attempt 1 of 4 failed \\(HTTP ${status}\\); retrying in \\d+\\.\\d s`)
    )
    expect(run.log).toContain('attempt 2 of 4 failed')
  })

  it('tries a failing batch exactly max-retries + 1 times', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(500), respond(500), respond(500), respond(500))
    const clock = fakeClock()
    const run = await runInProcess(inputs(server, ['a'], { 'max-retries': '2' }), clock)
    expect(server.requestsTo('delete')).toHaveLength(3)
    expect(run.exitCode).toBe(1)
    expect(json(run.outputs['failed-ids'])).toEqual(['a'])
    expect(json(run.outputs['failed-batches'])).toMatchObject([{ batch: 1, status: 500 }])
  })

  it('uses full-jitter exponential backoff', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(503), respond(503), respond(503))
    const clock = fakeClock()
    await runInProcess(inputs(server, ['a']), { ...clock, random: () => 0.999 })
    // Ceilings 1 s, 2 s, 4 s; random 0.999 lands just under each.
    expect(clock.waits).toEqual([999, 1998, 3996])
  })

  it.each([400, 401, 403, 404])('never retries HTTP %i', async (status) => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(status, '{"error_code":"X.1","error_msg":"no"}'))
    const clock = fakeClock()
    const run = await runInProcess(inputs(server, ['a']), clock)
    expect(server.requestsTo('delete')).toHaveLength(1)
    expect(clock.waits).toEqual([])
    expect(run.exitCode).toBe(1)
  })

  it('sends a 401 exactly once and stops the run', async () => {
    const ids = sampleIds(120)
    const server = await startSms({ servers: ids, tokens: ['another-token'] })
    const run = await runInProcess(inputs(server, ids, { concurrency: '4' }), fakeClock())
    expect(server.requests).toHaveLength(1)
    expect(run.log).toContain('APIGW.0301')
    expect(run.log).toMatch(/::error title=SMS request denied \(HTTP 401\)::/)
    expect(json(run.outputs['failed-ids'])).toEqual(ids)
  })

  it('waits at least 2 s after a 429 without Retry-After', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(429, '{"error_code":"APIGW.0308","error_msg":"throttled"}'))
    const clock = fakeClock()
    const run = await runInProcess(inputs(server, ['a']), { ...clock, random: () => 0 })
    expect(clock.waits).toEqual([2000])
    expect(run.log).toContain('HTTP 429 APIGW.0308')
  })

  it('honours Retry-After in seconds, never sooner', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(503, '', { 'Retry-After': '7' }))
    const clock = fakeClock()
    await runInProcess(inputs(server, ['a']), { ...clock, random: () => 0 })
    expect(clock.waits).toEqual([7000])
  })

  it('honours Retry-After as an HTTP date', async () => {
    const server = await startSms({ servers: ['a'] })
    const now = Date.UTC(2026, 11, 4, 12, 0, 0, 400)
    server.script('delete', respond(429, '', { 'Retry-After': new Date(now + 5000).toUTCString() }))
    const clock = fakeClock()
    await runInProcess(inputs(server, ['a']), { ...clock, random: () => 0, now: () => now })
    // 4.6 s to the date, rounded up to whole seconds.
    expect(clock.waits).toEqual([5000])
  })

  it('gives up rather than wait for an hour-long Retry-After', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(503, '', { 'Retry-After': '3600' }))
    const clock = fakeClock()
    const run = await runInProcess(inputs(server, ['a']), clock)
    expect(clock.waits).toEqual([])
    expect(server.requestsTo('delete')).toHaveLength(1)
    expect(run.log).toContain('Retry-After asks for 3600 s')
    expect(json(run.outputs['failed-ids'])).toEqual(['a'])
  })

  it('retries a connection reset', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'reset' })
    const run = await runInProcess(inputs(server, ['a']), fakeClock())
    expect(server.requestsTo('delete')).toHaveLength(2)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })

  it('reports a refused connection as a network error, with status null', async () => {
    const server = await startSms({ servers: ['a'] })
    const url = server.url
    await server.stop()
    const run = await runInProcess(
      { ids: 'a', token: FAKE_TOKEN, endpoint: url, 'max-retries': '1' },
      fakeClock()
    )
    expect(json(run.outputs['failed-batches'])).toMatchObject([
      { status: null, error_code: 'NETWORK_ERROR' }
    ])
    expect(run.log).toContain('ECONNREFUSED')
  })

  it('waits in real time for a short Retry-After', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(503, '', { 'Retry-After': '1' }))
    const started = Date.now()
    const run = await runInProcess(inputs(server, ['a']))
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })
})

describe('timeouts and bounded reads', () => {
  it('aborts a request that hangs and retries it', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'hang' })
    const started = Date.now()
    const run = await runInProcess(inputs(server, ['a'], { 'timeout-seconds': '1' }), fakeClock())
    expect(Date.now() - started).toBeLessThan(5000)
    expect(run.log).toContain('timed out after 1 s')
    expect(server.requestsTo('delete')).toHaveLength(2)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })

  it('fails with TIMEOUT when every attempt hangs, and never hangs itself', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'hang' }, { kind: 'hang' })
    const run = await runInProcess(
      inputs(server, ['a'], { 'timeout-seconds': '1', 'max-retries': '1' }),
      fakeClock()
    )
    expect(json(run.outputs['failed-batches'])).toMatchObject([
      { status: null, error_code: 'TIMEOUT' }
    ])
  })

  it('reads at most 64 KiB of an endless error body', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'endless-body', status: 500 })
    const before = process.memoryUsage().rss
    const run = await runInProcess(inputs(server, ['a'], { 'max-retries': '0' }), fakeClock())
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024)
    expect(json(run.outputs['failed-batches'])).toMatchObject([
      { status: 500, error_code: 'HTTP_500' }
    ])
  })
})

describe('lost responses', () => {
  it.each([400, 404])(
    'checks each ID when the retry fails with %i after a dropped response, and counts the absent ones deleted',
    async (unknownIdStatus) => {
      const ids = ['a', 'b', 'c']
      const server = await startSms({ servers: ids, unknownIdStatus })
      server.script('delete', { kind: 'drop-after-commit' })
      const run = await runInProcess(inputs(server, ids), fakeClock())
      expect(server.requestsTo('delete')).toHaveLength(2)
      expect(server.requestsTo('show').map((r) => r.path)).toEqual(
        ids.map((id) => `/v3/sources/${id}`)
      )
      expect(run.exitCode).toBe(0)
      expect(json(run.outputs['deleted-ids'])).toEqual(ids)
      expect(json(run.outputs['failed-ids'])).toEqual([])
      expect(run.log).toContain('a: already absent')
    }
  )

  it('keeps the original error for IDs that still exist', async () => {
    const server = await startSms({ servers: ['a', 'b'] })
    // The first attempt is reset before the server acts; the retry is refused.
    server.script(
      'delete',
      { kind: 'reset' },
      respond(400, '{"error_code":"SMS.2015","error_msg":"in progress"}')
    )
    const run = await runInProcess(inputs(server, ['a', 'b']), fakeClock())
    expect(server.requestsTo('show')).toHaveLength(2)
    expect(json(run.outputs['failed-ids'])).toEqual(['a', 'b'])
    expect(json(run.outputs['failed-batches'])).toMatchObject([
      { status: 400, error_code: 'SMS.2015' }
    ])
  })

  it('does not check when no attempt can have reached the server', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', respond(400, '{"error_code":"SMS.2015","error_msg":"in progress"}'))
    await runInProcess(inputs(server, ['a']), fakeClock())
    expect(server.requestsTo('show')).toHaveLength(0)
  })

  it('does not take a gateway 404 (no such API) as proof that a server is gone', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'drop-after-commit' })
    server.script('show', respond(404, '{"error_code":"APIGW.0101","error_msg":"no such API"}'))
    const run = await runInProcess(inputs(server, ['a']), fakeClock())
    expect(json(run.outputs['failed-ids'])).toEqual(['a'])
  })
})

describe('concurrency', () => {
  it('sends the first batch alone, then up to `concurrency` at once, keeping output order', async () => {
    const ids = sampleIds(300)
    const server = await startSms({ servers: ids, latencyMs: 30 })
    const run = await runInProcess(inputs(server, ids, { concurrency: '4' }), fakeClock())
    const [first, ...rest] = server.requestsTo('delete')
    expect(first?.closedAt).toBeDefined()
    for (const later of rest) expect(later.arrivedAt).toBeGreaterThan(first?.closedAt ?? Infinity)
    expect(Math.max(...rest.map((r) => r.inFlight))).toBe(4)
    expect(json(run.outputs['deleted-ids'])).toEqual(ids)
    expect(
      (json(run.outputs['deleted-batches']) as { batch: number }[]).map((b) => b.batch)
    ).toEqual([1, 2, 3, 4, 5, 6])
  })
})
