/** AK/SK signing and SMS.9004 decoding, against the fake server, which verifies signatures with its own code. */
import { describe, expect, it } from '@jest/globals'
import {
  DECODED_MESSAGE,
  FAKE_TOKEN,
  FakeSms,
  sampleIds,
  type FakeCredentials
} from './fake-sms/server.js'
import { useFakeSms } from './helpers/fake-sms-lifecycle.js'
import { runInProcess, type ActionRun, type Inputs } from './helpers/action-run.js'

const AK = 'AKFAKE0123456789ABCD'
const SK = 'sk-fake-3e8a1f0b9c6d4e2aa7b5c3d1e9f0a8b7'
const STS_TOKEN = 'sts-fake-security-token-77d1c2'
const PERMANENT: FakeCredentials = { accessKeyId: AK, secretAccessKey: SK }

const startSms = useFakeSms()

const noSleep = { sleep: async (): Promise<void> => {} }
const json = (value: string | undefined): unknown => JSON.parse(value ?? 'null')

function akskInputs(server: FakeSms, ids: string[], extra: Inputs = {}): Inputs {
  return {
    ids: ids.join('\n'),
    'access-key-id': AK,
    'secret-access-key': SK,
    endpoint: server.url,
    'iam-endpoint': server.url,
    ...extra
  }
}

function signaturesSent(server: FakeSms): string[] {
  return server.requests.flatMap(
    (r) => /Signature=([0-9a-f]+)/.exec(r.headers.authorization ?? '')?.[1] ?? []
  )
}

function expectNoSecret(run: ActionRun, server: FakeSms, secrets: string[]): void {
  const everything = [
    run.log.replace(/::add-mask::.*\n/g, ''),
    JSON.stringify(run.outputs),
    run.summary
  ].join('\n')
  for (const secret of [...secrets, ...signaturesSent(server)])
    expect(everything).not.toContain(secret)
}

describe('AK/SK', () => {
  it('deletes with signed requests', async () => {
    const ids = sampleIds(120)
    const server = await startSms({ servers: ids, credentials: [PERMANENT] })
    const run = await runInProcess(akskInputs(server, ids, { 'domain-id': 'domain-123' }), noSleep)
    expect(run.exitCode).toBe(0)
    expect(server.requestsTo('delete')).toHaveLength(3)
    for (const request of server.requests) {
      expect(request.headers.authorization).toMatch(
        /^SDK-HMAC-SHA256 Access=AKFAKE0123456789ABCD, SignedHeaders=content-type;host;x-domain-id;x-sdk-date, Signature=[0-9a-f]{64}$/
      )
      expect(request.headers['x-domain-id']).toBe('domain-123')
      expect(request.headers['x-auth-token']).toBeUndefined()
    }
    expect(json(run.outputs['deleted-ids'])).toEqual(ids)
  })

  it('falls back to the env variables huaweicloud/auth-action exports', async () => {
    const server = await startSms({ servers: ['a'], credentials: [PERMANENT] })
    const run = await runInProcess({ ids: 'a', endpoint: server.url }, noSleep, {
      HUAWEI_CLOUD_ACCESS_KEY_ID: AK,
      HUAWEI_CLOUD_SECRET_ACCESS_KEY: SK
    })
    expect(run.exitCode).toBe(0)
    expect(run.log).toContain(`::add-mask::${SK}`)
    expect(json(run.outputs['deleted-ids'])).toEqual(['a'])
  })

  it('sends and signs the security token of temporary credentials', async () => {
    const server = await startSms({
      servers: ['a'],
      credentials: [{ ...PERMANENT, securityToken: STS_TOKEN }]
    })
    const run = await runInProcess(
      akskInputs(server, ['a'], { 'security-token': STS_TOKEN }),
      noSleep
    )
    expect(run.exitCode).toBe(0)
    expect(server.requests[0]?.headers['x-security-token']).toBe(STS_TOKEN)
    expect(server.requests[0]?.headers.authorization).toContain('x-security-token')
  })

  it('sends one request with a wrong SK, and explains the usual causes of a 401', async () => {
    const ids = sampleIds(120)
    const server = await startSms({ servers: ids, credentials: [PERMANENT] })
    const run = await runInProcess(
      akskInputs(server, ids, { 'secret-access-key': 'wrong-secret-key-123', concurrency: '4' }),
      noSleep
    )
    expect(run.exitCode).toBe(1)
    expect(server.requests).toHaveLength(1)
    expect(run.log).toContain('APIGW.0301')
    expect(run.log).toContain('wrong secret-access-key')
    expect(run.log).toContain('more than 15 minutes')
    expect(run.log).toContain('security-token')
    expect(run.outputs['failed-count']).toBe('120')
  })

  it('signs each retry afresh, with a new X-Sdk-Date', async () => {
    const server = await startSms({ servers: ['a'], credentials: [PERMANENT] })
    server.script('delete', { kind: 'respond', status: 503 })
    let clock = Date.now()
    const run = await runInProcess(akskInputs(server, ['a']), {
      ...noSleep,
      now: () => (clock += 5000)
    })
    expect(run.exitCode).toBe(0)
    const dates = server.requestsTo('delete').map((r) => r.headers['x-sdk-date'])
    expect(dates).toHaveLength(2)
    expect(dates[0]).not.toBe(dates[1])
    expect(new Set(signaturesSent(server)).size).toBe(2)
  })

  it.each([
    [{ token: FAKE_TOKEN, 'access-key-id': AK }, ["'token'", "'access-key-id'", 'both set']],
    [
      { 'access-key-id': AK },
      ["'access-key-id' is set but 'secret-access-key' is not", 'HUAWEI_CLOUD_SECRET_ACCESS_KEY']
    ],
    [
      { 'secret-access-key': SK },
      ["'secret-access-key' is set but 'access-key-id' is not", 'HUAWEI_CLOUD_ACCESS_KEY_ID']
    ],
    [{}, ["'token'", "'access-key-id'", 'HUAWEI_CLOUD_ACCESS_KEY_ID']]
  ])(
    'rejects an ambiguous or incomplete auth setup %#, before any request',
    async (auth, fragments) => {
      const server = await startSms({ servers: ['a'], credentials: [PERMANENT] })
      const run = await runInProcess({ ids: 'a', endpoint: server.url, ...auth }, noSleep)
      expect(run.exitCode).toBe(1)
      expect(server.requests).toHaveLength(0)
      for (const fragment of fragments) expect(run.log).toContain(fragment)
    }
  )

  it('never prints the SK, the security token or a signature, with RUNNER_DEBUG', async () => {
    const ids = sampleIds(60)
    const server = await startSms({
      servers: ids,
      credentials: [{ ...PERMANENT, securityToken: STS_TOKEN }],
      denyIds: [ids[55] as string]
    })
    server.script('delete', { kind: 'respond', status: 500 })
    const run = await runInProcess(
      akskInputs(server, ids, { 'security-token': STS_TOKEN }),
      noSleep,
      {
        RUNNER_DEBUG: '1'
      }
    )
    expect(run.log).toContain('::debug::')
    expect(server.requests.length).toBeGreaterThanOrEqual(3)
    expectNoSecret(run, server, [SK, STS_TOKEN, AK])
  })
})

describe('SMS.9004 decoding', () => {
  it('prints the decoded message when IAM allows it', async () => {
    const server = await startSms({
      servers: ['a'],
      credentials: [PERMANENT],
      denyIds: ['a'],
      decode: 'allow'
    })
    const run = await runInProcess(akskInputs(server, ['a']), noSleep)
    expect(run.exitCode).toBe(1)
    expect(server.requestsTo('decode')).toHaveLength(1)
    expect(JSON.parse(server.requestsTo('decode')[0]?.body ?? '')).toEqual({
      encoded_message: 'ENCODED-AUTHZ-MESSAGE-4b1d9e'
    })
    expect(server.requestsTo('decode')[0]?.headers.authorization).toMatch(/^SDK-HMAC-SHA256 /)
    const pretty = JSON.stringify(JSON.parse(DECODED_MESSAGE), null, 2)
    expect(run.log).toContain('::group::Decoded authorization message')
    expect(run.log).toContain(pretty)
    // The annotation carries it too (newlines escaped as %0A in the workflow command).
    expect(run.log).toMatch(
      /::error title=SMS permission denied \(SMS\.9004\)::.*Decoded authorization message:%0A\{/
    )
    expect(run.log).toContain('encoded_authorization_message: ENCODED-AUTHZ-MESSAGE-4b1d9e')
  })

  it('says why it could not decode, and how to do it by hand, when IAM refuses', async () => {
    const server = await startSms({
      servers: ['a'],
      credentials: [PERMANENT],
      denyIds: ['a'],
      decode: 'deny'
    })
    const run = await runInProcess(akskInputs(server, ['a']), noSleep)
    expect(run.exitCode).toBe(1)
    expect(server.requestsTo('decode')).toHaveLength(1)
    expect(run.log).toContain(
      'Could not decode the denial: IAM answered HTTP 403 IAM.0003 (the credentials lack sts::decodeAuthorizationMessage)'
    )
    expect(run.log).toContain(`POST ${server.url}/v5/decode-authorization-message`)
    expect(run.log).toMatch(/::error title=SMS permission denied \(SMS\.9004\)::/)
    expect(run.log).toContain('details[0]: SMS.9004')
  })

  it('says why when IAM cannot be reached, and still fails on the denial', async () => {
    const server = await startSms({ servers: ['a'], credentials: [PERMANENT], denyIds: ['a'] })
    const run = await runInProcess(
      akskInputs(server, ['a'], { 'iam-endpoint': 'http://127.0.0.1:9', 'max-retries': '0' }),
      noSleep
    )
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain('Could not decode the denial: IAM could not be reached')
    expect(run.log).toContain('ECONNREFUSED')
  })

  it('does not decode when decode-authorization-message is false', async () => {
    const server = await startSms({ servers: ['a'], denyIds: ['a'] })
    const run = await runInProcess(
      {
        ids: 'a',
        token: FAKE_TOKEN,
        endpoint: server.url,
        'iam-endpoint': server.url,
        'decode-authorization-message': 'false'
      },
      noSleep
    )
    expect(server.requestsTo('decode')).toHaveLength(0)
    expect(run.log).toContain("decode-authorization-message is 'false'")
    expect(run.exitCode).toBe(1)
  })
})
