import { describe, expect, it } from '@jest/globals'
import { DEFAULT_BACKOFF, decideRetry, parseRetryAfter, type RetryPolicy } from '../src/retry.js'
import { decodeOutcomeOf, prettyIfJson } from '../src/iam-api.js'
import type { CallResult } from '../src/client.js'

const policy: RetryPolicy = { ...DEFAULT_BACKOFF, maxRetries: 3 }
const half = (): number => 0.5

describe('decideRetry', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(decideRetry({ attempt: 1, status }, policy, half).retry).toBe(true)
  })

  it.each([200, 204, 301, 400, 401, 403, 404, 409, 501])('does not retry HTTP %i', (status) => {
    expect(decideRetry({ attempt: 1, status }, policy, half)).toEqual({ retry: false })
  })

  it('retries a network error (no status)', () => {
    expect(decideRetry({ attempt: 1 }, policy, half)).toEqual({ retry: true, delayMs: 500 })
  })

  it('stops after maxRetries retries', () => {
    expect(decideRetry({ attempt: 3, status: 503 }, policy, half).retry).toBe(true)
    expect(decideRetry({ attempt: 4, status: 503 }, policy, half)).toEqual({ retry: false })
    expect(decideRetry({ attempt: 1, status: 503 }, { ...policy, maxRetries: 0 }, half)).toEqual({
      retry: false
    })
  })

  it.each([
    [1, 0.999, 999],
    [2, 0.999, 1998],
    [3, 0.5, 2000],
    [6, 0.999, 19_980],
    [10, 0.999, 19_980],
    [4, 0, 0]
  ])(
    'full jitter: attempt %i with random %f waits %i ms (1 s base, 20 s cap)',
    (attempt, r, ms) => {
      expect(decideRetry({ attempt, status: 500 }, { ...policy, maxRetries: 10 }, () => r)).toEqual(
        {
          retry: true,
          delayMs: ms
        }
      )
    }
  )

  it('never waits less than Retry-After', () => {
    expect(
      decideRetry({ attempt: 1, status: 503, retryAfterMs: 7000 }, policy, () => 0.999)
    ).toEqual({
      retry: true,
      delayMs: 7000
    })
  })

  it('keeps the longer backoff when Retry-After is shorter', () => {
    expect(
      decideRetry({ attempt: 3, status: 503, retryAfterMs: 1000 }, policy, () => 0.999)
    ).toEqual({
      retry: true,
      delayMs: 3996
    })
  })

  it('waits at least 2 s after a 429 without Retry-After, and no floor for other statuses', () => {
    expect(decideRetry({ attempt: 1, status: 429 }, policy, () => 0)).toEqual({
      retry: true,
      delayMs: 2000
    })
    expect(decideRetry({ attempt: 1, status: 503 }, policy, () => 0)).toEqual({
      retry: true,
      delayMs: 0
    })
  })

  it('gives up, with a reason, on a Retry-After longer than it will wait', () => {
    const decision = decideRetry({ attempt: 1, status: 429, retryAfterMs: 121_000 }, policy, half)
    expect(decision).toEqual({ retry: false, reason: expect.stringContaining('121 s') })
  })
})

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 11, 4, 12, 0, 0, 0)
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['7', 7000],
    [' 30 ', 30_000],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['Fri, 04 Dec 2026 12:00:05 GMT', 5000],
    ['Fri, 04 Dec 2026 11:59:00 GMT', 0]
  ])('%p -> %p ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })

  it('rounds an HTTP date up to whole seconds, so the retry is never early', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:05 GMT', now + 400)).toBe(5000)
  })
})

describe('decoding a denial', () => {
  const response = (status: number, body: string): CallResult => ({
    response: { status, headers: {}, body, truncated: false },
    attempts: 1,
    mayHaveReachedServer: true
  })

  it.each([
    [response(200, '{"decoded_message":"{\\"a\\":1}"}'), { ok: true, message: '{\n  "a": 1\n}' }],
    [response(200, '{"decoded_message":"plain words"}'), { ok: true, message: 'plain words' }],
    [
      response(200, '{}'),
      { ok: false, reason: expect.stringContaining('without a decoded_message') }
    ],
    [
      response(200, 'not json'),
      { ok: false, reason: expect.stringContaining('without a decoded_message') }
    ],
    [
      response(403, '{"error_code":"IAM.0003","error_msg":"no"}'),
      { ok: false, reason: expect.stringContaining('lack sts::decodeAuthorizationMessage') }
    ],
    [response(500, '<html>'), { ok: false, reason: expect.stringContaining('HTTP 500') }],
    [
      { networkError: undefined, attempts: 2, mayHaveReachedServer: false } as CallResult,
      { ok: false, reason: expect.stringContaining('could not be reached') }
    ]
  ])('case %#', (call, outcome) => {
    expect(decodeOutcomeOf(call)).toEqual(outcome)
  })

  it('pretty-prints JSON only', () => {
    expect(prettyIfJson('[1,2]')).toBe('[\n  1,\n  2\n]')
    expect(prettyIfJson('{oops')).toBe('{oops')
  })
})
