/** The main path against the fake SMS server on loopback, through the real HTTP client. */
import { describe, expect, it } from '@jest/globals'
import { FAKE_TOKEN, FakeSms, sampleIds } from './fake-sms/server.js'
import { useFakeSms } from './helpers/fake-sms-lifecycle.js'
import { runInProcess, type Inputs } from './helpers/action-run.js'
import { ACTION_VERSION } from '../src/version.js'

const startSms = useFakeSms()

const noSleep = { sleep: async (): Promise<void> => {} }

function inputs(server: FakeSms, ids: string, extra: Inputs = {}): Inputs {
  return { ids, token: FAKE_TOKEN, endpoint: server.url, 'iam-endpoint': server.url, ...extra }
}

const json = (value: string | undefined): unknown => JSON.parse(value ?? 'null')

describe('deleting by ID', () => {
  it('deletes 120 IDs given one per line in exactly 3 requests', async () => {
    const ids = sampleIds(120)
    const server = await startSms({ servers: ids })
    const run = await runInProcess(inputs(server, ids.join('\n')), noSleep)

    expect(run.exitCode).toBe(0)
    expect(server.requestsTo('delete').map((r) => r.ids)).toEqual([
      ids.slice(0, 50),
      ids.slice(50, 100),
      ids.slice(100)
    ])
    expect(server.requests).toHaveLength(3)
    expect(server.servers.size).toBe(0)
    expect(json(run.outputs['deleted-ids'])).toEqual(ids)
    expect(json(run.outputs['failed-ids'])).toEqual([])
    expect(run.outputs['deleted-count']).toBe('120')
    expect(run.outputs['failed-count']).toBe('0')
    expect(json(run.outputs['deleted-batches'])).toEqual([
      { batch: 1, ids: ids.slice(0, 50) },
      { batch: 2, ids: ids.slice(50, 100) },
      { batch: 3, ids: ids.slice(100) }
    ])
    expect(json(run.outputs['failed-batches'])).toEqual([])
    expect(run.log).toContain('Result: 120 deleted, 0 failed')
  })

  it('sends the documented request: method, path, headers and body', async () => {
    const server = await startSms({ servers: ['a-1', 'b-2'] })
    await runInProcess(inputs(server, '["a-1", "b-2"]'), noSleep)
    const [request] = server.requestsTo('delete')
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/v3/sources/delete')
    expect(request?.headers['content-type']).toBe('application/json;charset=UTF-8')
    expect(request?.headers['x-auth-token']).toBe(FAKE_TOKEN)
    expect(request?.headers['user-agent']).toBe(`sms-cleanup/${ACTION_VERSION}`)
    expect(JSON.parse(request?.body ?? '')).toEqual({ ids: ['a-1', 'b-2'] })
  })

  it('honours batch-size and sends duplicates once, with a notice naming them', async () => {
    const server = await startSms({ servers: ['a', 'b', 'c'] })
    const run = await runInProcess(inputs(server, 'a,b\nc\na\nb', { 'batch-size': '2' }), noSleep)
    expect(server.requestsTo('delete').map((r) => r.ids)).toEqual([['a', 'b'], ['c']])
    expect(run.log).toMatch(/::notice::.*more than once.*a, b/)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a', 'b', 'c'])
  })

  it.each([
    ['an empty body', ''],
    ['a non-JSON body', 'OK'],
    ['{}', '{}']
  ])('treats a 2xx with %s as deleted', async (_name, body) => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'respond', status: 200, body })
    const run = await runInProcess(inputs(server, 'a'), noSleep)
    expect(run.exitCode).toBe(0)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })

  it('treats a 204 as deleted', async () => {
    const server = await startSms({ servers: ['a'] })
    server.script('delete', { kind: 'respond', status: 204 })
    const run = await runInProcess(inputs(server, 'a'), noSleep)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })

  it('succeeds without a request on an empty list, with every output set', async () => {
    const server = await startSms()
    const run = await runInProcess(inputs(server, '  \n \n'), noSleep)
    expect(run.exitCode).toBe(0)
    expect(server.requests).toHaveLength(0)
    expect(run.log).toContain('::notice::')
    expect(run.outputs).toEqual({
      'planned-ids': '[]',
      'deleted-ids': '[]',
      'failed-ids': '[]',
      'deleted-count': '0',
      'failed-count': '0',
      'deleted-batches': '[]',
      'failed-batches': '[]'
    })
  })
})

describe('failures', () => {
  it('stops at SMS.9004 after one request, logs every detail, and fails', async () => {
    const ids = sampleIds(120)
    const server = await startSms({ servers: ids, denyIds: [ids[3] as string] })
    const run = await runInProcess(inputs(server, ids.join('\n'), { concurrency: '4' }), noSleep)

    expect(run.exitCode).toBe(1)
    expect(server.requestsTo('delete')).toHaveLength(1)
    expect(server.requestsTo('decode')).toHaveLength(1)
    for (const fragment of [
      'SMS.9004',
      'error_msg: The current account does not have the permission',
      'error_param[0]: You do not have permission',
      'details[0]: SMS.9004: You do not have permission',
      'request_id: denied-request-7e1f',
      'encoded_authorization_message: ENCODED-AUTHZ-MESSAGE-4b1d9e'
    ]) {
      expect(run.log).toContain(fragment)
    }
    expect(run.log).toMatch(/::error title=SMS permission denied \(SMS\.9004\)::/)
    expect(json(run.outputs['deleted-ids'])).toEqual([])
    expect(json(run.outputs['failed-ids'])).toEqual(ids)
    const failed = json(run.outputs['failed-batches']) as {
      batch: number
      status: number | null
      error_code: string
    }[]
    expect(failed.map((b) => [b.batch, b.status, b.error_code])).toEqual([
      [1, 403, 'SMS.9004'],
      [2, null, 'NOT_ATTEMPTED'],
      [3, null, 'NOT_ATTEMPTED']
    ])
  })

  it('stops at a denial in a later batch, keeping what was deleted', async () => {
    const ids = sampleIds(150)
    const server = await startSms({ servers: ids, denyIds: [ids[60] as string] })
    const run = await runInProcess(inputs(server, ids.join(','), { concurrency: '1' }), noSleep)
    expect(server.requestsTo('delete')).toHaveLength(2)
    expect(run.exitCode).toBe(1)
    expect(json(run.outputs['deleted-ids'])).toEqual(ids.slice(0, 50))
    expect(json(run.outputs['failed-ids'])).toEqual(ids.slice(50))
  })

  it('records a non-JSON error page and goes on with the other batches', async () => {
    const ids = sampleIds(3)
    const server = await startSms({ servers: ids })
    server.script('delete', {
      kind: 'respond',
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1>' + 'padding '.repeat(200) + '</body></html>'
    })
    const run = await runInProcess(
      inputs(server, ids.join('\n'), { 'batch-size': '1', 'max-retries': '0' }),
      noSleep
    )
    expect(run.exitCode).toBe(1)
    expect(server.requests).toHaveLength(3)
    expect(json(run.outputs['deleted-ids'])).toEqual(ids.slice(1))
    const [failed] = json(run.outputs['failed-batches']) as {
      error_code: string
      error_msg: string
      status: number
    }[]
    expect(failed?.status).toBe(502)
    expect(failed?.error_code).toBe('HTTP_502')
    expect(failed?.error_msg).toMatch(/^<html><body><h1>502 Bad Gateway<\/h1>/)
    expect(failed?.error_msg.length).toBeLessThanOrEqual(301)
  })

  it('with fail-on-error false, warns and succeeds with the same outputs', async () => {
    const server = await startSms({ servers: ['a'] })
    const run = await runInProcess(
      inputs(server, 'a\nghost', { 'batch-size': '1', 'fail-on-error': 'false' }),
      noSleep
    )
    expect(run.exitCode).toBe(0)
    expect(run.log).toMatch(/::warning title=Some source servers were not deleted::1 ID/)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
    expect(json(run.outputs['failed-ids'])).toEqual(['ghost'])
  })
})

describe('input errors: clear message, no request, no stack trace', () => {
  it.each([
    ['an invalid ID', { ids: 'good\nbad id' }, "Input 'ids'"],
    ['malformed JSON', { ids: '["a",' }, 'not valid JSON'],
    ['a bad batch-size', { 'batch-size': '60' }, 'Input \'batch-size\': "60"'],
    ['a missing token', { token: '' }, "No credentials: set input 'token'"],
    ['plain http to a remote host', { endpoint: 'http://sms.example.com' }, "Input 'endpoint'"]
  ])('%s', async (_name, override, fragment) => {
    const server = await startSms({ servers: ['good'] })
    const run = await runInProcess({ ...inputs(server, 'good'), ...override }, noSleep)
    expect(run.exitCode).toBe(1)
    expect(server.requests).toHaveLength(0)
    expect(run.log).toContain('::error::')
    expect(run.log).toContain(fragment)
    expect(run.log).not.toMatch(/\n\s+at /)
    expect(run.outputs['failed-count']).toBe('0')
  })
})

describe('secrets', () => {
  it('never prints the token, except in the mask command', async () => {
    const server = await startSms({ servers: ['a'], denyIds: ['a'] })
    const run = await runInProcess(inputs(server, 'a'), noSleep, { RUNNER_DEBUG: '1' })
    expect(run.log).toContain(`::add-mask::${FAKE_TOKEN}`)
    expect(run.log.replace(`::add-mask::${FAKE_TOKEN}`, '')).not.toContain(FAKE_TOKEN)
    expect(JSON.stringify(run.outputs)).not.toContain(FAKE_TOKEN)
    expect(run.summary).not.toContain(FAKE_TOKEN)
  })
})
