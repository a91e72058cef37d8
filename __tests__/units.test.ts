import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parseApiError } from '../src/api-error.js'
import { denialLines } from '../src/denial.js'
import { planBatches } from '../src/plan.js'
import { buildOutputs } from '../src/report.js'
import { ACTION_VERSION } from '../src/version.js'
import type { DeleteBatchResult } from '../src/results.js'

describe('planBatches', () => {
  it.each([
    [120, 50, [50, 50, 20]],
    [50, 50, [50]],
    [51, 50, [50, 1]],
    [3, 1, [1, 1, 1]],
    [0, 50, []]
  ])('%i IDs in batches of %i', (count, size, sizes) => {
    const ids = Array.from({ length: count }, (_, i) => `id-${i}`)
    const batches = planBatches(ids, size)
    expect(batches.map((b) => b.ids.length)).toEqual(sizes)
    expect(batches.map((b) => b.batch)).toEqual(sizes.map((_, i) => i + 1))
    expect(batches.flatMap((b) => b.ids)).toEqual(ids)
  })
})

describe('parseApiError', () => {
  it('reads the flat SMS body with every field', () => {
    const error = parseApiError(
      403,
      JSON.stringify({
        error_code: 'SMS.9004',
        error_msg: 'no permission',
        encoded_authorization_message: 'ENC',
        error_param: ['p1', 'p2'],
        details: [{ error_code: 'SMS.9004', error_msg: 'd1' }]
      }),
      'req-1'
    )
    expect(error).toEqual({
      status: 403,
      errorCode: 'SMS.9004',
      errorMsg: 'no permission',
      requestId: 'req-1',
      errorParams: ['p1', 'p2'],
      details: [{ errorCode: 'SMS.9004', errorMsg: 'd1' }],
      encodedAuthorizationMessage: 'ENC'
    })
  })

  it('reads the nested {error: {code, message}} body', () => {
    const error = parseApiError(
      403,
      '{"error":{"code":"IAM.0001","message":"denied","encoded_authorization_message":"E2"}}'
    )
    expect(error).toMatchObject({
      errorCode: 'IAM.0001',
      errorMsg: 'denied',
      encodedAuthorizationMessage: 'E2'
    })
  })

  it('reads the gateway body with request_id', () => {
    expect(
      parseApiError(429, '{"error_code":"APIGW.0308","error_msg":"throttled","request_id":"r9"}')
    ).toMatchObject({
      errorCode: 'APIGW.0308',
      requestId: 'r9'
    })
  })

  it.each([
    [
      'an HTML page',
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      '<html><body><h1>502 Bad Gateway</h1></body></html>'
    ],
    ['an empty body', '', ''],
    ['a JSON array', '[1,2]', '[1,2]'],
    ['a JSON string', '"oops"', '"oops"']
  ])('falls back to the text for %s', (_name, body, message) => {
    expect(parseApiError(502, body)).toMatchObject({
      status: 502,
      errorCode: 'HTTP_502',
      errorMsg: message
    })
  })

  it('caps a long text body', () => {
    const error = parseApiError(500, 'e'.repeat(10_000))
    expect(error.errorMsg.length).toBeLessThanOrEqual(301)
    expect(error.errorMsg.endsWith('…')).toBe(true)
  })
})

describe('denialLines', () => {
  it('lists every field of a denial', () => {
    const lines = denialLines(
      parseApiError(
        403,
        JSON.stringify({
          error_code: 'SMS.9004',
          error_msg: 'no permission',
          encoded_authorization_message: 'ENC-123',
          error_param: ['param one'],
          details: [{ error_code: 'SMS.9004', error_msg: 'detail one' }]
        }),
        'req-77'
      )
    ).join('\n')
    for (const fragment of [
      'SMS.9004',
      'no permission',
      'error_param[0]: param one',
      'details[0]: SMS.9004: detail one',
      'request_id: req-77',
      'encoded_authorization_message: ENC-123'
    ]) {
      expect(lines).toContain(fragment)
    }
  })
})

describe('buildOutputs', () => {
  it('splits IDs by result, batch by batch', () => {
    const batches: DeleteBatchResult[] = [
      {
        batch: 1,
        ids: ['a', 'b'],
        deletedIds: ['a', 'b'],
        failedIds: [],
        alreadyAbsentIds: [],
        attempts: 1
      },
      {
        batch: 2,
        ids: ['c', 'd'],
        deletedIds: ['c'],
        failedIds: ['d'],
        alreadyAbsentIds: ['c'],
        attempts: 2,
        failure: { status: 400, errorCode: 'X.1', errorMsg: 'bad' }
      }
    ]
    const outputs = buildOutputs(batches)
    expect(JSON.parse(outputs['deleted-ids'])).toEqual(['a', 'b', 'c'])
    expect(JSON.parse(outputs['failed-ids'])).toEqual(['d'])
    expect(outputs['deleted-count']).toBe('3')
    expect(outputs['failed-count']).toBe('1')
    expect(JSON.parse(outputs['deleted-batches'])).toEqual([
      { batch: 1, ids: ['a', 'b'] },
      { batch: 2, ids: ['c'] }
    ])
    expect(JSON.parse(outputs['failed-batches'])).toEqual([
      { batch: 2, ids: ['d'], status: 400, error_code: 'X.1', error_msg: 'bad' }
    ])
  })

  it('gives empty arrays and zero counts for no batches', () => {
    expect(buildOutputs([])).toEqual({
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

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string
    }
    expect(ACTION_VERSION).toBe(pkg.version)
  })
})
