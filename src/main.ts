import * as core from '@actions/core'
import { ApiClient } from './client.js'
import { parseConfig, type ActionConfig } from './config.js'
import { ConfigError } from './errors.js'
import { executeBatches, type ExecutionResult } from './execute.js'
import { maskSecrets, readRawInputs } from './inputs.js'
import { planBatches } from './plan.js'
import { buildOutputs, setOutputs, type OutputValues } from './report.js'
import { DEFAULT_BACKOFF } from './retry.js'
import { SmsApi } from './sms-api.js'

/** Time and randomness, injectable so tests need not wait for real backoff. */
export interface RunDependencies {
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => number
}

const realDependencies: RunDependencies = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now
}

/** The action: config → IDs → plan → execute → report. */
export async function run(dependencies: Partial<RunDependencies> = {}): Promise<void> {
  const deps = { ...realDependencies, ...dependencies }
  let outputs: OutputValues = buildOutputs([])
  try {
    const inputs = readRawInputs()
    maskSecrets(inputs)
    const config = parseConfig(inputs)

    const { ids, duplicates } = config.ids
    if (duplicates.length > 0) {
      core.notice(
        `Input 'ids' lists ${duplicates.length} ID(s) more than once; each is sent once: ${duplicates.join(', ')}`
      )
    }
    if (ids.length === 0) {
      core.notice("Input 'ids' is empty: nothing to delete, no request sent.")
      return
    }

    const batches = planBatches(ids, config.batchSize)
    core.info(
      `Deleting ${ids.length} source server record(s) in ${batches.length} batch(es) of up to ${config.batchSize} via ${config.endpoint}`
    )
    const execution = await executeBatches(batches, createSmsApi(config, deps), {
      concurrency: config.concurrency
    })
    outputs = buildOutputs(execution.batches)
    reportOutcome(execution, config)
  } catch (error) {
    if (error instanceof ConfigError) {
      core.setFailed(error.message)
    } else {
      // Not an input problem: a bug. Keep the stack out of the normal log.
      core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error))
      core.setFailed(`Unexpected error: ${error instanceof Error ? error.message : String(error)}`)
    }
  } finally {
    setOutputs(outputs)
  }
}

function createSmsApi(config: ActionConfig, deps: RunDependencies): SmsApi {
  const { auth } = config
  return new SmsApi(
    new ApiClient(config.endpoint, {
      authorize: () => ({ 'X-Auth-Token': auth.token }),
      timeoutMs: config.timeoutMs,
      retry: { ...DEFAULT_BACKOFF, maxRetries: config.maxRetries },
      ...deps
    })
  )
}

function reportOutcome(execution: ExecutionResult, config: ActionConfig): void {
  const deleted = execution.batches.reduce((n, b) => n + b.deletedIds.length, 0)
  const failed = execution.batches.reduce((n, b) => n + b.failedIds.length, 0)
  const failedBatches = execution.batches.filter((b) => b.failedIds.length > 0).length
  core.info(
    `Result: ${deleted} deleted, ${failed} failed, in ${execution.batches.length} batch(es).`
  )

  if (execution.denial) {
    const { batch, error } = execution.denial
    const message =
      `Batch ${batch} was denied (HTTP ${error.status} ${error.errorCode}: ${error.errorMsg}). ` +
      `The run stopped; ${failed} ID(s) were not deleted. See the batch ${batch} log for every detail.`
    core.error(message, {
      title:
        error.errorCode === 'SMS.9004'
          ? 'SMS permission denied (SMS.9004)'
          : `SMS request denied (HTTP ${error.status})`
    })
    core.setFailed(`Permission denied: ${error.errorCode}`)
    return
  }
  if (failed === 0) return
  const message = `${failed} ID(s) in ${failedBatches} batch(es) were not deleted; see the failed-ids and failed-batches outputs.`
  if (config.failOnError) core.setFailed(message)
  else core.warning(message, { title: 'Some source servers were not deleted' })
}
