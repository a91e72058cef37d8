import { afterAll, beforeEach, describe, expect, it, jest } from '@jest/globals'
// Test-only oracle: the official SDK's signer. Never import it from src/.
import { AKSKSigner } from '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner.js'
import type { ICredential } from '@huaweicloud/huaweicloud-sdk-core/auth/ICredential.js'
import {
  canonicalRequest,
  formatSdkDate,
  signRequest,
  stringToSign,
  type AkSkCredentials,
  type RequestToSign
} from '../src/signing.js'

const AK = 'HPUAEXAMPLEAKID00001'
const SK = 'exampleSecretKey0123456789abcdefghijklmn'
const SMS = 'https://sms.ap-southeast-3.myhuaweicloud.com'
const DATE = new Date('2024-05-06T07:08:09.678Z')

// ---- The SDK oracle ------------------------------------------------------------------------

/** AKSKSigner's steps are protected static methods; spying on them shows its intermediate text. */
const sdkInternals = AKSKSigner as unknown as {
  buildCanonicalRequest: (...parts: string[]) => string
  getStringToSign: (...parts: string[]) => string
  CanonicalURI: (path: string) => string
}
const canonicalSpy = jest.spyOn(sdkInternals, 'buildCanonicalRequest')
const stringToSignSpy = jest.spyOn(sdkInternals, 'getStringToSign')
beforeEach(() => {
  canonicalSpy.mockClear()
  stringToSignSpy.mockClear()
})
afterAll(() => {
  jest.restoreAllMocks()
})

type QueryPair = [key: string, value: string | null] // null: the key is sent without '='

interface Case {
  name: string
  method: string
  origin?: string
  /** Decoded path: the SDK takes it raw, our URL gets it percent-encoded. */
  path: string
  query?: QueryPair[]
  contentType?: string
  /** A JSON value: the SDK hashes JSON.stringify(data), so we send exactly that text. */
  json?: unknown
  securityToken?: string
  domainId?: string
}

function ourRequest(c: Case): RequestToSign {
  const path = c.path.split('/').map(encodeURIComponent).join('/')
  const query = (c.query ?? [])
    .map(([k, v]) =>
      v === null ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`
    )
    .join('&')
  return {
    method: c.method,
    url: `${c.origin ?? SMS}${path}${query ? `?${query}` : ''}`,
    contentType: c.contentType,
    body: c.json === undefined ? '' : JSON.stringify(c.json)
  }
}

function credentialsOf(c: Case): AkSkCredentials {
  return {
    accessKeyId: AK,
    secretAccessKey: SK,
    securityToken: c.securityToken,
    domainId: c.domainId
  }
}

/** Signs the case with the SDK, as HcClient would hand it over (decoded query params, data object). */
function sdkSign(
  c: Case,
  sdkDate: string
): { authorization: string; canonical: string; sts: string } {
  const queryParams: Record<string, string | string[]> = {}
  for (const [k, v] of c.query ?? []) {
    const value = v ?? ''
    const seen = queryParams[k]
    queryParams[k] = seen === undefined ? value : ([] as string[]).concat(seen, value)
  }
  const headers: Record<string, string> = { 'X-Sdk-Date': sdkDate } // a fixed date instead of now
  if (c.contentType) headers['content-type'] = c.contentType
  if (c.securityToken) headers['X-Security-Token'] = c.securityToken
  if (c.domainId) headers['X-Domain-Id'] = c.domainId
  const credential = { getAk: () => AK, getSk: () => SK } as unknown as ICredential
  const signed = AKSKSigner.sign(
    {
      endpoint: `${c.origin ?? SMS}${c.path}`,
      method: c.method,
      headers,
      queryParams,
      data: c.json
    },
    credential
  ) as Record<string, string>
  return {
    authorization: signed['Authorization'] ?? '',
    canonical: String(canonicalSpy.mock.results[0]?.value),
    sts: String(stringToSignSpy.mock.results[0]?.value)
  }
}

const json = 'application/json'
const ids = ['0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'ffffffff-0000-4000-8000-000000000001']

const cases: Case[] = [
  {
    name: 'batch delete with a JSON body',
    method: 'POST',
    path: '/v3/sources/delete',
    contentType: json,
    json: { ids }
  },
  {
    name: 'list page',
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['limit', '200'],
      ['offset', '400']
    ]
  },
  {
    name: 'list page, query given out of order',
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['offset', '400'],
      ['limit', '200'],
      ['state', 'finished']
    ]
  },
  {
    name: "query values with space, unicode, +, /, %, &, =, emoji and !'()*~",
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['name', 'web server 01'],
      ['ip', '10.0.0.1/24'],
      ['tag', 'a+b=c&d'],
      ['pct', '100%'],
      ['uni', 'Zürich 東京 🚀'],
      ['marks', "!'()*~-_."]
    ]
  },
  {
    name: 'repeated keys are sorted by value',
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['state', 'waiting'],
      ['limit', '10'],
      ['state', 'error'],
      ['state', 'cleared']
    ]
  },
  {
    name: 'a key without value and a key with an empty value',
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['flag', null],
      ['empty', ''],
      ['limit', '5']
    ]
  },
  {
    name: 'keys sort by decoded text, not by their encoding (~ vs é), and by case',
    method: 'GET',
    path: '/v3/sources',
    query: [
      ['é', '1'],
      ['~a', '2'],
      ['b', '3'],
      ['B', '4'],
      ['a b', '5'],
      ['a-b', '6']
    ]
  },
  {
    name: 'path with unicode, :, @, +, ;, =, &, $, comma and %',
    method: 'GET',
    path: '/v3/sources/Zürich:east@x+y;v=1&w$,100%/東京',
    query: [['limit', '1']]
  },
  {
    name: 'single delete, empty body',
    method: 'DELETE',
    path: '/v3/sources/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'
  },
  { name: 'root path', method: 'GET', path: '/' },
  { name: 'trailing slash already present', method: 'GET', path: '/v3/sources/' },
  {
    name: 'JSON body with unicode (hashed as UTF-8)',
    method: 'POST',
    path: '/v5/decode-authorization-message',
    contentType: json,
    json: { encoded_message: 'Grüße 🚀 "quoted" \\ back' }
  },
  {
    name: 'POST with an empty JSON object body',
    method: 'POST',
    path: '/v3/sources/delete',
    contentType: json,
    json: {}
  },
  {
    name: 'security token',
    method: 'POST',
    path: '/v3/sources/delete',
    contentType: json,
    json: { ids },
    securityToken: 'gQpjbi1ub3J0aC00iW9Kz...tmp+token/=='
  },
  {
    name: 'domain id',
    method: 'GET',
    path: '/v3/sources',
    query: [['limit', '200']],
    domainId: '0123456789abcdef0123456789abcdef'
  },
  {
    name: 'security token and domain id',
    method: 'POST',
    path: '/v3/sources/delete',
    contentType: json,
    json: { ids },
    securityToken: 'tmp-token',
    domainId: '0123456789abcdef0123456789abcdef'
  },
  {
    name: 'non-default port is part of host',
    method: 'GET',
    origin: 'http://127.0.0.1:8443',
    path: '/v3/sources',
    query: [
      ['limit', '200'],
      ['offset', '0']
    ]
  },
  {
    name: 'empty ids array',
    method: 'POST',
    path: '/v3/sources/delete',
    contentType: json,
    json: { ids: [] }
  }
]

describe('signRequest matches the official SDK (AKSKSigner)', () => {
  it.each(cases)('$name', (c) => {
    const request = ourRequest(c)
    const ours = signRequest(request, credentialsOf(c), DATE)
    const sdk = sdkSign(c, ours['X-Sdk-Date'] ?? '')

    // Compare the intermediate text first: a mismatch there is easier to read than a signature.
    expect(canonicalRequest(request, withoutAuthorization(ours))).toBe(sdk.canonical)
    expect(stringToSign(sdk.canonical, '20240506T070809Z')).toBe(sdk.sts)
    expect(ours['Authorization']).toBe(sdk.authorization)
  })

  it('gives the same signature whether the URL path is percent-encoded by us or by WHATWG URL', () => {
    // No '%' here: a raw '%' is not a valid URL (see the malformed percent-encoding test).
    const c: Case = {
      name: 'raw path',
      method: 'GET',
      path: '/v3/sources/Zürich:east@x+y;v=1&w$,/東京'
    }
    const encoded = ourRequest(c)
    const raw = { ...encoded, url: `${SMS}${c.path}` } // the URL class encodes ü and 東京 itself
    expect(raw.url).not.toBe(encoded.url)
    const creds = credentialsOf(c)
    expect(signRequest(raw, creds, DATE)['Authorization']).toBe(
      signRequest(encoded, creds, DATE)['Authorization']
    )
    expect(signRequest(raw, creds, DATE)['Authorization']).toBe(
      sdkSign(c, '20240506T070809Z').authorization
    )
  })

  it('upper-cases the method as the server does', () => {
    const c = cases[cases.length - 1]!
    const lower = signRequest({ ...ourRequest(c), method: 'post' }, credentialsOf(c), DATE)
    expect(lower['Authorization']).toBe(sdkSign(c, '20240506T070809Z').authorization)
  })
})

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'Authorization'))
}

// ---- Where we deliberately differ from the Node SDK ----------------------------------------

describe('paths the Node SDK double-encodes', () => {
  const creds: AkSkCredentials = { accessKeyId: AK, secretAccessKey: SK }
  const canonicalUriOf = (url: string): string =>
    canonicalRequest({ method: 'GET', url, body: '' }, { Host: 'h' }).split('\n')[1] ?? ''

  it('decodes the path before encoding it (space arrives as %20, must not become %2520)', () => {
    expect(canonicalUriOf('https://h/v3/a b')).toBe('/v3/a%20b/')
    expect(canonicalUriOf('https://h/v3/a%20b')).toBe('/v3/a%20b/')
    expect(canonicalUriOf("https://h/v3/it's")).toBe('/v3/it%27s/')
    // The Node SDK encodes url.parse()'s pathname without decoding it (url.parse has already
    // turned the space into %20). The Python and Go signers unquote first, as we do.
    expect(sdkInternals.CanonicalURI('/v3/a%20b')).toBe('/v3/a%2520b/')
  })

  it('decodes the whole path before splitting, like the Python and Go signers (%2F)', () => {
    expect(canonicalUriOf('https://h/v3/a%2Fb')).toBe('/v3/a/b/')
    expect(sdkInternals.CanonicalURI('/v3/a%2Fb')).toBe('/v3/a%252Fb/')
  })

  it('refuses malformed percent-encoding instead of signing something the server cannot match', () => {
    expect(() =>
      signRequest({ method: 'GET', url: 'https://h/v3/100%', body: '' }, creds, DATE)
    ).toThrow(/malformed percent-encoding in its path/)
    expect(() =>
      signRequest({ method: 'GET', url: 'https://h/v3?x=%E0%A4', body: '' }, creds, DATE)
    ).toThrow(/malformed percent-encoding in its query/)
  })

  it("refuses a literal '+' in the query: servers disagree on whether it is a space", () => {
    expect(() =>
      signRequest({ method: 'GET', url: 'https://h/v3?name=a+b', body: '' }, creds, DATE)
    ).toThrow(/literal '\+'/)
    // '+' is unambiguous in the path.
    expect(canonicalUriOf('https://h/v3/a+b')).toBe('/v3/a%2Bb/')
  })
})

// ---- Known-answer vectors (no SDK needed) ----------------------------------------------------

/*
 * These literals were computed once with @huaweicloud/huaweicloud-sdk-core 3.1.211:
 * AKSKSigner.sign() was called with the same request (a fixed 'X-Sdk-Date' header, decoded
 * queryParams, `data` = the parsed JSON body) while buildCanonicalRequest and getStringToSign
 * were wrapped to capture their return values. They pin the algorithm even if the SDK goes away.
 */
describe('known-answer vectors', () => {
  const creds: AkSkCredentials = { accessKeyId: AK, secretAccessKey: SK }
  const date = new Date(Date.UTC(2024, 4, 6, 7, 8, 9))

  it('POST /v3/sources/delete with a JSON body', () => {
    const request: RequestToSign = {
      method: 'POST',
      url: `${SMS}/v3/sources/delete`,
      contentType: 'application/json',
      body: '{"ids":["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","ffffffff-0000-4000-8000-000000000001"]}'
    }
    const headers = signRequest(request, creds, date)
    const canonical = [
      'POST',
      '/v3/sources/delete/',
      '',
      'content-type:application/json',
      'host:sms.ap-southeast-3.myhuaweicloud.com',
      'x-sdk-date:20240506T070809Z',
      '',
      'content-type;host;x-sdk-date',
      'f646ef7db46ce82c6e484d370c497d1d6a8fcf5618a14042c56143dffee44124'
    ].join('\n')
    expect(canonicalRequest(request, withoutAuthorization(headers))).toBe(canonical)
    expect(stringToSign(canonical, '20240506T070809Z')).toBe(
      'SDK-HMAC-SHA256\n20240506T070809Z\n07ba419af793e740133553f2372f7f05779910d99ed382bb594aad0a3c63b404'
    )
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      Host: 'sms.ap-southeast-3.myhuaweicloud.com',
      'X-Sdk-Date': '20240506T070809Z',
      Authorization:
        'SDK-HMAC-SHA256 Access=HPUAEXAMPLEAKID00001, SignedHeaders=content-type;host;x-sdk-date, ' +
        'Signature=a91bf4ef2b41018fbbc73e8d3d1f497f9a6822c73e8bbbb7e41c3bbeb766896f'
    })
  })

  it('GET /v3/sources with a query, security token and domain id', () => {
    const request: RequestToSign = {
      method: 'GET',
      url: `${SMS}/v3/sources?offset=400&limit=200&name=web%2001%2B%C3%A4`,
      body: ''
    }
    const headers = signRequest(
      { ...request },
      { ...creds, securityToken: 'tmp-token-abc', domainId: '0123456789abcdef0123456789abcdef' },
      date
    )
    const canonical = [
      'GET',
      '/v3/sources/',
      'limit=200&name=web%2001%2B%C3%A4&offset=400',
      'host:sms.ap-southeast-3.myhuaweicloud.com',
      'x-domain-id:0123456789abcdef0123456789abcdef',
      'x-sdk-date:20240506T070809Z',
      'x-security-token:tmp-token-abc',
      '',
      'host;x-domain-id;x-sdk-date;x-security-token',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    ].join('\n')
    expect(canonicalRequest(request, withoutAuthorization(headers))).toBe(canonical)
    expect(stringToSign(canonical, '20240506T070809Z')).toBe(
      'SDK-HMAC-SHA256\n20240506T070809Z\n202eeb49d81c2108bf5fb387b02e23e416684ecf115d0af599ddd6e459f418b7'
    )
    expect(headers).toEqual({
      Host: 'sms.ap-southeast-3.myhuaweicloud.com',
      'X-Sdk-Date': '20240506T070809Z',
      'X-Security-Token': 'tmp-token-abc',
      'X-Domain-Id': '0123456789abcdef0123456789abcdef',
      Authorization:
        'SDK-HMAC-SHA256 Access=HPUAEXAMPLEAKID00001, ' +
        'SignedHeaders=host;x-domain-id;x-sdk-date;x-security-token, ' +
        'Signature=eb729c9a8cdb68535b6e39db90e853914b3ffe9f7fa5a358e8e5d62540b51db0'
    })
  })
})

// ---- Small pieces and negative tests ---------------------------------------------------------

describe('formatSdkDate', () => {
  it('formats UTC as YYYYMMDDTHHMMSSZ and drops milliseconds', () => {
    expect(formatSdkDate(new Date('2024-05-06T07:08:09.999Z'))).toBe('20240506T070809Z')
    expect(formatSdkDate(new Date('1999-12-31T23:59:59+02:00'))).toBe('19991231T215959Z')
  })
})

describe('host', () => {
  const creds: AkSkCredentials = { accessKeyId: AK, secretAccessKey: SK }
  const hostOf = (url: string): string | undefined =>
    signRequest({ method: 'GET', url, body: '' }, creds, DATE)['Host']

  it('omits the default port and keeps any other', () => {
    expect(hostOf('https://sms.example.com:443/v3')).toBe('sms.example.com')
    expect(hostOf('http://sms.example.com:80/v3')).toBe('sms.example.com')
    expect(hostOf('https://sms.example.com:8443/v3')).toBe('sms.example.com:8443')
    expect(hostOf('http://[::1]:3000/v3')).toBe('[::1]:3000')
  })
})

describe('the signature depends on everything signed', () => {
  const creds: AkSkCredentials = { accessKeyId: AK, secretAccessKey: SK }
  const base: RequestToSign = {
    method: 'POST',
    url: `${SMS}/v3/sources/delete`,
    contentType: 'application/json',
    body: '{"ids":["a"]}'
  }
  const signatureOf = (r: RequestToSign, c = creds, d = DATE): string =>
    /Signature=([0-9a-f]{64})$/.exec(signRequest(r, c, d)['Authorization'] ?? '')?.[1] ?? ''
  const original = signatureOf(base)

  it.each<[string, () => string]>([
    ['one body byte', () => signatureOf({ ...base, body: '{"ids":["b"]}' })],
    ['the date, by one second', () => signatureOf(base, creds, new Date(DATE.getTime() + 1000))],
    ['the SK', () => signatureOf(base, { ...creds, secretAccessKey: `${SK}x` })],
    ['the method', () => signatureOf({ ...base, method: 'PUT' })],
    ['the path', () => signatureOf({ ...base, url: `${SMS}/v3/sources/delet` })],
    ['the query', () => signatureOf({ ...base, url: `${SMS}/v3/sources/delete?x=1` })],
    [
      'the host',
      () =>
        signatureOf({ ...base, url: 'https://sms.cn-north-4.myhuaweicloud.com/v3/sources/delete' })
    ],
    ['the content type', () => signatureOf({ ...base, contentType: 'text/plain' })],
    ['a security token', () => signatureOf(base, { ...creds, securityToken: 't' })],
    ['a domain id', () => signatureOf(base, { ...creds, domainId: 'd' })]
  ])('changing %s changes the signature', (_what, changed) => {
    expect(original).toMatch(/^[0-9a-f]{64}$/)
    expect(changed()).not.toBe(original)
  })

  it('is deterministic, and the AK is named but not part of the signature', () => {
    expect(signatureOf(base)).toBe(original)
    const other = signRequest(base, { ...creds, accessKeyId: 'OTHERAK' }, DATE)['Authorization']
    expect(other).toContain('Access=OTHERAK,')
    expect(signatureOf(base, { ...creds, accessKeyId: 'OTHERAK' })).toBe(original)
  })

  it('trims header values, as the server sees them after HTTP parsing', () => {
    expect(signatureOf({ ...base, contentType: '  application/json ' })).toBe(original)
    const token = (t: string): string => signatureOf(base, { ...creds, securityToken: t })
    expect(token(' tmp\t')).toBe(token('tmp'))
  })

  it('signs a request without content type over host and x-sdk-date only', () => {
    const headers = signRequest({ method: 'GET', url: `${SMS}/v3/sources`, body: '' }, creds, DATE)
    expect(Object.keys(headers).sort()).toEqual(['Authorization', 'Host', 'X-Sdk-Date'])
    expect(headers['Authorization']).toContain('SignedHeaders=host;x-sdk-date,')
  })
})
