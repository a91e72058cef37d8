import { describe, expect, it } from '@jest/globals'
import { parseConfig } from '../src/config.js'
import { parseEndpoint } from '../src/endpoint.js'
import { ConfigError } from '../src/errors.js'
import { INPUT_DEFAULTS, readRawInputs, type RawInputs } from '../src/inputs.js'

const valid = (overrides: Partial<RawInputs> = {}): RawInputs => ({
  ...INPUT_DEFAULTS,
  ids: 'a\nb',
  token: 'tok',
  ...overrides
})

function errorOf(inputs: RawInputs): string {
  try {
    parseConfig(inputs, {})
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('parseConfig accepted the inputs')
}

describe('readRawInputs', () => {
  it('applies the action.yml default to an empty input, and trims', () => {
    const raw = readRawInputs((name) =>
      name === 'batch-size' ? '' : name === 'ids' ? '  x  ' : ''
    )
    expect(raw['batch-size']).toBe('50')
    expect(raw['fail-on-error']).toBe('true')
    expect(raw.ids).toBe('x')
  })
})

describe('parseConfig', () => {
  it('parses valid inputs into a typed config', () => {
    const config = parseConfig(
      valid({ 'batch-size': '20', 'timeout-seconds': '5', 'fail-on-error': 'False' })
    )
    expect(config).toMatchObject({
      target: { kind: 'ids', ids: { ids: ['a', 'b'], duplicates: [] } },
      auth: { kind: 'token', token: 'tok' },
      endpoint: 'https://sms.ap-southeast-3.myhuaweicloud.com',
      batchSize: 20,
      timeoutMs: 5000,
      failOnError: false,
      maxRetries: 3
    })
  })

  it.each([
    ['batch-size', '0'],
    ['batch-size', '51'],
    ['batch-size', '1.5'],
    ['batch-size', 'ten'],
    ['batch-size', '-3'],
    ['max-retries', '11'],
    ['timeout-seconds', '0'],
    ['timeout-seconds', '601'],
    ['concurrency', '0'],
    ['concurrency', '11'],
    ['fail-on-error', 'yes']
  ] as const)('rejects %s = %s, naming both', (name, value) => {
    const message = errorOf(valid({ [name]: value }))
    expect(message).toContain(`'${name}'`)
    expect(message).toContain(`"${value}"`)
  })

  it('requires a token', () => {
    expect(errorOf(valid({ token: '' }))).toContain("No credentials: set input 'token'")
  })

  it.each([
    [{ token: 'abc\ndef' }, "Input 'token'", 'abc'],
    [
      { token: '', 'access-key-id': 'AK', 'secret-access-key': 's k' },
      "Input 'secret-access-key'",
      's k'
    ],
    [
      { token: '', 'access-key-id': 'A\u0007K', 'secret-access-key': 'sk' },
      "Input 'access-key-id'",
      'A\u0007K'
    ]
  ])(
    'rejects a credential that cannot travel in a header, without showing it (%#)',
    (override, name, secret) => {
      const message = errorOf(valid(override))
      expect(message).toContain(name)
      expect(message).toContain('not shown')
      expect(message).not.toContain(secret)
    }
  )

  it('names the env variable when a fallback credential is bad', () => {
    try {
      parseConfig(valid({ token: '' }), {
        HUAWEI_CLOUD_ACCESS_KEY_ID: 'AK',
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'bad secret'
      })
      throw new Error('accepted')
    } catch (error) {
      expect((error as Error).message).toContain('Env HUAWEI_CLOUD_SECRET_ACCESS_KEY')
      expect((error as Error).message).not.toContain('bad secret')
    }
  })

  it('takes AK/SK from the env only when no credential input is set', () => {
    const env = { HUAWEI_CLOUD_ACCESS_KEY_ID: 'ENV-AK', HUAWEI_CLOUD_SECRET_ACCESS_KEY: 'ENV-SK' }
    expect(parseConfig(valid(), env).auth).toEqual({ kind: 'token', token: 'tok' })
    expect(parseConfig(valid({ token: '' }), env).auth).toEqual({
      kind: 'aksk',
      credentials: { accessKeyId: 'ENV-AK', secretAccessKey: 'ENV-SK' }
    })
    expect(
      parseConfig(valid({ token: '', 'access-key-id': 'IN-AK', 'secret-access-key': 'IN-SK' }), env)
        .auth
    ).toEqual({ kind: 'aksk', credentials: { accessKeyId: 'IN-AK', secretAccessKey: 'IN-SK' } })
  })

  it('rejects a domain-id that is not an account ID, showing it (it is not a secret)', () => {
    expect(
      errorOf(
        valid({ token: '', 'access-key-id': 'AK', 'secret-access-key': 'SK', 'domain-id': 'a b' })
      )
    ).toContain('Input \'domain-id\': "a b"')
  })

  it('reports every bad input together', () => {
    const message = errorOf(
      valid({ token: '', 'batch-size': '99', ids: 'a b', endpoint: 'http://example.com' })
    )
    expect(message).toContain('4 inputs are invalid')
    for (const name of ["'token'", "'batch-size'", "'ids'", "'endpoint'"])
      expect(message).toContain(name)
  })
})

describe('parseEndpoint', () => {
  it.each([
    [
      'https://sms.ap-southeast-3.myhuaweicloud.com',
      'https://sms.ap-southeast-3.myhuaweicloud.com'
    ],
    ['https://sms.cn-north-4.myhuaweicloud.com/', 'https://sms.cn-north-4.myhuaweicloud.com'],
    ['https://example.com:8443', 'https://example.com:8443'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.9.9.9', 'http://127.9.9.9'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000']
  ])('accepts %s', (value, origin) => {
    expect(parseEndpoint(value, 'endpoint')).toBe(origin)
  })

  it.each([
    ['http://sms.ap-southeast-3.myhuaweicloud.com', 'plain http://'],
    ['http://10.0.0.1', 'plain http://'],
    ['http://localhost.example.com', 'plain http://'],
    ['http://127.0.0.1.nip.io', 'plain http://'],
    ['ftp://example.com', 'https://'],
    ['sms.ap-southeast-3.myhuaweicloud.com', 'not a URL'],
    ['https://user:pw@example.com', 'user name or password'],
    ['https://example.com/v3', 'bare origin'],
    ['https://example.com?x=1', 'bare origin']
  ])('rejects %s', (value, fragment) => {
    expect(() => parseEndpoint(value, 'endpoint')).toThrow(ConfigError)
    expect(() => parseEndpoint(value, 'endpoint')).toThrow(fragment)
  })
})
