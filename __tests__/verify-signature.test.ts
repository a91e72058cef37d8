import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { stringify } from 'node:querystring'
import { describe, expect, it } from '@jest/globals'
// Test-only oracle: the official SDK's signer.
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js'
import { signRequest, type AkSkCredentials, type RequestToSign } from '../src/signing.js'
import { verifySignature, type SignedRequest } from './fake-sms/verify-signature.js'

const AK = 'HPUAEXAMPLEAKID00001'
const SK = 'exampleSecretKey0123456789abcdefghijklmn'
const SMS = 'https://sms.ap-southeast-3.myhuaweicloud.com'
const NOW = new Date('2024-05-06T07:08:09Z')
const secretFor = (ak: string): string | undefined => (ak === AK ? SK : undefined)
const creds: AkSkCredentials = { accessKeyId: AK, secretAccessKey: SK }

/** What an HTTP server receives for a request signed by src/signing.ts. */
function signedByUs(
  request: RequestToSign,
  credentials: AkSkCredentials = creds,
  date: Date = NOW
): SignedRequest {
  const url = new URL(request.url)
  const headers: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(signRequest(request, credentials, date))) {
    headers[name.toLowerCase()] = value
  }
  headers['accept'] = 'application/json' // unsigned extras must not matter
  return {
    method: request.method,
    rawPath: `${url.pathname}${url.search}`,
    headers,
    body: Buffer.from(request.body, 'utf8')
  }
}

interface SdkCase {
  method: string
  path: string
  queryParams?: Record<string, string | string[]>
  json?: unknown
  headers?: Record<string, string>
}

/** What an HTTP server receives for a request signed by the SDK (query sent as HcClient does). */
function signedBySdk(c: SdkCase, sdkDate = '20240506T070809Z'): SignedRequest {
  const credential = { getAk: () => AK, getSk: () => SK } as unknown as ICredential
  const signed = AKSKSigner.sign(
    {
      endpoint: `${SMS}${c.path}`,
      method: c.method,
      headers: { 'X-Sdk-Date': sdkDate, ...c.headers },
      queryParams: c.queryParams ?? {},
      data: c.json
    },
    credential
  ) as Record<string, string>
  const headers: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(signed)) headers[name.toLowerCase()] = value
  const query = stringify(c.queryParams ?? {})
  return {
    method: c.method,
    rawPath: `${new URL(`${SMS}${c.path}`).pathname}${query ? `?${query}` : ''}`,
    headers,
    body: Buffer.from(c.json === undefined ? '' : JSON.stringify(c.json), 'utf8')
  }
}

const deleteRequest: RequestToSign = {
  method: 'POST',
  url: `${SMS}/v3/sources/delete`,
  contentType: 'application/json;charset=UTF-8',
  body: '{"ids":["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]}'
}
const listRequest: RequestToSign = {
  method: 'GET',
  url: `${SMS}/v3/sources?limit=200&offset=400`,
  body: ''
}

function expectOk(request: SignedRequest, now = NOW): void {
  expect(verifySignature(request, secretFor, now)).toEqual(expect.objectContaining({ ok: true }))
}

function expectRejected(request: SignedRequest, reason: RegExp, now = NOW): void {
  const result = verifySignature(request, secretFor, now)
  expect(result.ok).toBe(false)
  expect(result.ok ? '' : result.reason).toMatch(reason)
}

describe('verifySignature accepts requests signed by src/signing.ts', () => {
  it.each<[string, RequestToSign]>([
    ['batch delete', deleteRequest],
    ['list page', listRequest],
    ['single delete', { method: 'DELETE', url: `${SMS}/v3/sources/abc-123`, body: '' }],
    [
      'query values with space, unicode, +, /, %, repeated keys, key without value',
      {
        method: 'GET',
        url: `${SMS}/v3/sources?name=web%20server&tag=a%2Bb&ip=10.0.0.1%2F24&pct=100%25&uni=Z%C3%BCrich%20%F0%9F%9A%80&state=waiting&state=error&flag&empty=`,
        body: ''
      }
    ],
    [
      'path with space, unicode, :, @ (given raw, encoded by the URL class)',
      { method: 'GET', url: `${SMS}/v3/sources/a b/Zürich:east@x/東京`, body: '' }
    ],
    [
      'unicode JSON body',
      {
        method: 'POST',
        url: `${SMS}/v5/decode-authorization-message`,
        contentType: 'application/json',
        body: '{"encoded_message":"Grüße 🚀"}'
      }
    ],
    [
      'non-default port',
      { method: 'GET', url: 'http://127.0.0.1:8443/v3/sources?limit=1', body: '' }
    ]
  ])('%s', (_name, request) => {
    expectOk(signedByUs(request))
  })

  it('reports the access key, security token and domain id', () => {
    const request = signedByUs(listRequest, { ...creds, securityToken: 'tmp', domainId: 'dom' })
    expect(verifySignature(request, secretFor, NOW)).toEqual({
      ok: true,
      accessKeyId: AK,
      securityToken: 'tmp',
      domainId: 'dom'
    })
    expect(verifySignature(signedByUs(listRequest), secretFor, NOW)).toEqual({
      ok: true,
      accessKeyId: AK
    })
  })

  it('accepts a date up to the allowed skew either way', () => {
    const fourteenMinutes = 14 * 60 * 1000
    expectOk(signedByUs(listRequest), new Date(NOW.getTime() + fourteenMinutes))
    expectOk(signedByUs(listRequest), new Date(NOW.getTime() - fourteenMinutes))
  })

  it('accepts what really arrives over HTTP (Host, path encoding, body bytes)', async () => {
    let received: SignedRequest | undefined
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        received = {
          method: req.method ?? '',
          rawPath: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks)
        }
        res.end('{}')
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const request: RequestToSign = {
        method: 'POST',
        url: `http://127.0.0.1:${port}/v3/sources/delete/Zürich a?name=a%20b&x=%C3%A4`,
        contentType: 'application/json;charset=UTF-8',
        body: '{"ids":["ä"]}'
      }
      const headers = signRequest(request, creds, NOW)
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(request.url, { method: request.method, headers }, (res) => {
          res.resume()
          res.on('end', resolve)
        })
        req.on('error', reject)
        req.end(request.body)
      })
    } finally {
      server.close()
    }
    expect(received?.rawPath).toBe('/v3/sources/delete/Z%C3%BCrich%20a?name=a%20b&x=%C3%A4')
    expectOk(received!)
  })
})

describe('verifySignature accepts requests signed by the official SDK', () => {
  it.each<[string, SdkCase]>([
    [
      'batch delete',
      {
        method: 'POST',
        path: '/v3/sources/delete',
        json: { ids: ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'] },
        headers: { 'content-type': 'application/json' }
      }
    ],
    [
      'list page',
      { method: 'GET', path: '/v3/sources', queryParams: { limit: '200', offset: '400' } }
    ],
    [
      'awkward query values and repeated keys',
      {
        method: 'GET',
        path: '/v3/sources',
        queryParams: {
          name: 'web server+1',
          ip: '10.0.0.1/24',
          pct: '100%',
          uni: 'Zürich 🚀',
          state: ['waiting', 'error'],
          empty: ''
        }
      }
    ],
    ['unicode, : and @ in the path', { method: 'GET', path: '/v3/sources/Zürich:east@x/東京' }],
    [
      'security token and domain id',
      {
        method: 'GET',
        path: '/v3/sources',
        queryParams: { limit: '1' },
        headers: { 'X-Security-Token': 'tmp', 'X-Domain-Id': 'dom' }
      }
    ]
  ])('%s', (_name, c) => {
    expectOk(signedBySdk(c))
  })

  it('rejects the Node SDK signature for a path with a space (the SDK signs %2520)', () => {
    // Documents a Node SDK quirk: it encodes the already-escaped pathname a second time.
    expectRejected(signedBySdk({ method: 'GET', path: '/v3/sources/a b' }), /does not match/)
  })
})

describe('verifySignature rejects', () => {
  const good = signedByUs(deleteRequest)
  const list = signedByUs({ ...listRequest, url: `${SMS}/v3/sources?limit=200&offset=400&flag` })
  const withHeaders = (request: SignedRequest, headers: IncomingHttpHeaders): SignedRequest => ({
    ...request,
    headers: { ...request.headers, ...headers }
  })
  const withoutHeader = (request: SignedRequest, name: string): SignedRequest => {
    const headers = { ...request.headers }
    delete headers[name]
    return { ...request, headers }
  }
  const authorization = good.headers['authorization'] as string

  it('accepts the untampered requests used below', () => {
    expectOk(good)
    expectOk(list)
  })

  it.each<[string, () => SignedRequest, RegExp]>([
    [
      'one changed body byte',
      () => ({ ...good, body: Buffer.from(good.body.toString().replace('0a1b', '0a1c')) }),
      /does not match/
    ],
    [
      'an extra body byte',
      () => ({ ...good, body: Buffer.concat([good.body, Buffer.from(' ')]) }),
      /does not match/
    ],
    ['a changed path', () => ({ ...good, rawPath: '/v3/sources/delete2' }), /does not match/],
    ['a changed method', () => ({ ...good, method: 'PUT' }), /does not match/],
    [
      'a changed query value',
      () => ({ ...list, rawPath: list.rawPath.replace('offset=400', 'offset=401') }),
      /does not match/
    ],
    [
      'an added query parameter',
      () => ({ ...list, rawPath: `${list.rawPath}&state=error` }),
      /does not match/
    ],
    [
      'a removed query parameter',
      () => ({ ...list, rawPath: list.rawPath.replace('&flag', '') }),
      /does not match/
    ],
    [
      'a changed signed header (content-type)',
      () => withHeaders(good, { 'content-type': 'text/plain' }),
      /does not match/
    ],
    [
      'a changed host',
      () => withHeaders(good, { host: 'sms.cn-north-4.myhuaweicloud.com' }),
      /does not match/
    ],
    [
      'a changed X-Sdk-Date',
      () => withHeaders(good, { 'x-sdk-date': '20240506T070810Z' }),
      /does not match/
    ],
    [
      'a missing signed header',
      () => withoutHeader(good, 'content-type'),
      /content-type was not sent/
    ],
    [
      'a changed security token',
      () =>
        withHeaders(signedByUs(deleteRequest, { ...creds, securityToken: 'tmp' }), {
          'x-security-token': 'other'
        }),
      /does not match/
    ],
    [
      'an unsigned security token',
      () => withHeaders(good, { 'x-security-token': 'tmp' }),
      /x-security-token is sent but not signed/
    ],
    [
      'an unsigned domain id',
      () => withHeaders(good, { 'x-domain-id': 'dom' }),
      /x-domain-id is sent but not signed/
    ],
    [
      'a wrong SK',
      () => signedByUs(deleteRequest, { ...creds, secretAccessKey: `${SK}x` }),
      /does not match/
    ],
    [
      'an unknown AK',
      () => signedByUs(deleteRequest, { ...creds, accessKeyId: 'NOSUCHAK' }),
      /unknown access key NOSUCHAK/
    ],
    [
      'a stale date (16 minutes old)',
      () => signedByUs(deleteRequest, creds, new Date(NOW.getTime() - 16 * 60_000)),
      /away from server time/
    ],
    [
      'a date 16 minutes ahead',
      () => signedByUs(deleteRequest, creds, new Date(NOW.getTime() + 16 * 60_000)),
      /away from server time/
    ],
    ['no Authorization', () => withoutHeader(good, 'authorization'), /no Authorization header/],
    [
      'another algorithm',
      () =>
        withHeaders(good, {
          authorization: authorization.replace('SDK-HMAC-SHA256', 'AWS4-HMAC-SHA256')
        }),
      /malformed Authorization/
    ],
    [
      'a short signature',
      () => withHeaders(good, { authorization: authorization.slice(0, -2) }),
      /malformed Authorization/
    ],
    ['no X-Sdk-Date', () => withoutHeader(good, 'x-sdk-date'), /no X-Sdk-Date header/],
    [
      'a malformed X-Sdk-Date',
      () => withHeaders(good, { 'x-sdk-date': '2024-05-06T07:08:09Z' }),
      /malformed X-Sdk-Date/
    ],
    [
      'an impossible X-Sdk-Date',
      () => withHeaders(good, { 'x-sdk-date': '20240231T070809Z' }),
      /invalid X-Sdk-Date/
    ],
    [
      'SignedHeaders without host',
      () =>
        withHeaders(good, {
          authorization: authorization.replace(
            'content-type;host;x-sdk-date',
            'content-type;x-sdk-date'
          )
        }),
      /must include host/
    ],
    [
      'SignedHeaders without x-sdk-date',
      () =>
        withHeaders(good, {
          authorization: authorization.replace('content-type;host;x-sdk-date', 'content-type;host')
        }),
      /must include x-sdk-date/
    ],
    [
      "a literal '+' in the query",
      () => ({ ...list, rawPath: `${list.rawPath}&name=a+b` }),
      /literal '\+'/
    ],
    [
      'a bad percent-escape',
      () => ({ ...good, rawPath: '/v3/sources/100%zz' }),
      /bad percent-escape in path/
    ],
    ['an escape that is not UTF-8', () => ({ ...good, rawPath: '/v3/sources/%FF' }), /not UTF-8/],
    [
      'X-Sdk-Content-Sha256 (unsigned payload)',
      () => withHeaders(good, { 'x-sdk-content-sha256': 'UNSIGNED-PAYLOAD' }),
      /not supported/
    ]
  ])('%s', (_name, tamper, reason) => {
    expectRejected(tamper(), reason)
  })
})
