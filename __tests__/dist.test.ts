/**
 * The bundled dist/index.js, run as the Actions runner runs it: a child process with
 * INPUT_* variables (hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a
 * working directory outside the repo. SMS_CLEANUP_NODE picks the node binary (CI runs
 * this file under Node 24 too).
 */
import { describe, expect, it } from '@jest/globals'
import { FAKE_TOKEN, sampleIds } from './fake-sms/server.js'
import { useFakeSms } from './helpers/fake-sms-lifecycle.js'
import { runDist } from './helpers/action-run.js'

const nodeBinary = process.env.SMS_CLEANUP_NODE || process.execPath

const startSms = useFakeSms()

describe(`dist/index.js on ${nodeBinary}`, () => {
  it('deletes 120 IDs in exactly 3 requests and writes the outputs', async () => {
    const ids = sampleIds(120)
    const sms = await startSms({ servers: ids })
    const run = await runDist(
      {
        ids: ids.join('\n'),
        token: FAKE_TOKEN,
        endpoint: sms.url,
        'batch-size': '50',
        'max-retries': '1'
      },
      { env: { RUNNER_DEBUG: '1' }, node: nodeBinary }
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(sms.requestsTo('delete')).toHaveLength(3)
    expect(JSON.parse(run.outputs['deleted-ids'] ?? '')).toEqual(ids)
    expect(run.outputs['deleted-count']).toBe('120')
    expect(run.outputs['failed-count']).toBe('0')
    expect(JSON.parse(run.outputs['failed-batches'] ?? '')).toEqual([])
    expect(run.log.replace(`::add-mask::${FAKE_TOKEN}`, '')).not.toContain(FAKE_TOKEN)
  })

  it('fails after one request on SMS.9004, logging the denial', async () => {
    const ids = sampleIds(120)
    const sms = await startSms({ servers: ids, denyIds: [ids[0] as string] })
    const run = await runDist(
      { ids: ids.join(','), token: FAKE_TOKEN, endpoint: sms.url, 'iam-endpoint': sms.url },
      { node: nodeBinary }
    )
    expect(run.exitCode).toBe(1)
    expect(sms.requestsTo('delete')).toHaveLength(1)
    expect(sms.requestsTo('decode')).toHaveLength(1)
    expect(run.log).toContain('encoded_authorization_message: ENCODED-AUTHZ-MESSAGE-4b1d9e')
    expect(run.log).toContain('::group::Decoded authorization message')
    expect(run.summary).toContain('SMS.9004')
    expect(run.outputs['failed-count']).toBe('120')
  })

  it('rejects invalid input with no request and no stack trace', async () => {
    const sms = await startSms({ servers: ['a'] })
    const run = await runDist(
      { ids: 'a\nb c', token: FAKE_TOKEN, endpoint: sms.url, 'BATCH-SIZE': '0' },
      { node: nodeBinary }
    )
    expect(run.exitCode).toBe(1)
    expect(sms.requests).toHaveLength(0)
    expect(run.log).toContain("Input 'ids'")
    expect(run.log).toContain('Input \'batch-size\': "0"')
    expect(run.log + run.stderr).not.toMatch(/\n\s+at /)
    expect(run.outputs['failed-count']).toBe('0')
  })
})
