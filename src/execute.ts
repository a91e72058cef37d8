import * as core from '@actions/core'
import {
  isAuthFailure,
  isSuccessStatus,
  parseApiError,
  requestIdOf,
  type ApiErrorDetails
} from './api-error.js'
import type { CallResult } from './client.js'
import type { BatchPlan } from './plan.js'
import { FailureCode, type BatchFailure, type DeleteBatchResult } from './results.js'
import type { SmsApi } from './sms-api.js'

export interface ExecutionResult {
  batches: DeleteBatchResult[]
  /** The 401/403 that stopped the run, if one did. */
  denial?: { batch: number; error: ApiErrorDetails }
}

export interface ExecuteOptions {
  concurrency: number
}

/**
 * Sends every batch and accounts for every ID. The first batch goes alone, so a
 * bad credential costs one request; once a batch succeeds, up to `concurrency`
 * run at once. A 401/403 stops the run: batches not yet started are marked not attempted.
 */
export async function executeBatches(
  batches: readonly BatchPlan[],
  api: SmsApi,
  options: ExecuteOptions
): Promise<ExecutionResult> {
  const results: (DeleteBatchResult | undefined)[] = new Array<DeleteBatchResult | undefined>(
    batches.length
  )
  let denial: ExecutionResult['denial']
  let next = 0

  const runNext = async (): Promise<void> => {
    const plan = batches[next++]
    if (plan === undefined) return
    const outcome = await runBatch(plan, batches.length, api)
    results[plan.batch - 1] = outcome.result
    if (outcome.denial && denial === undefined)
      denial = { batch: plan.batch, error: outcome.denial }
  }

  // Serial until one batch has succeeded.
  while (
    next < batches.length &&
    denial === undefined &&
    !results.some((r) => r && r.deletedIds.length > 0)
  ) {
    await runNext()
  }
  const worker = async (): Promise<void> => {
    while (next < batches.length && denial === undefined) await runNext()
  }
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, batches.length - next) }, worker)
  )

  return {
    batches: batches.map(
      (plan) =>
        results[plan.batch - 1] ??
        notAttempted(
          plan,
          `Not attempted: the run stopped after batch ${denial?.batch ?? '?'} was denied.`
        )
    ),
    denial
  }
}

interface BatchOutcome {
  result: DeleteBatchResult
  denial?: ApiErrorDetails
}

/** Runs one batch with its log lines kept together in one group, even when batches overlap. */
async function runBatch(plan: BatchPlan, total: number, api: SmsApi): Promise<BatchOutcome> {
  const lines: string[] = []
  const log = (line: string): void => {
    lines.push(line)
  }
  let outcome: BatchOutcome
  try {
    outcome = await deleteBatch(plan, api, log)
  } catch (error) {
    // A bug, not an API answer: record it so the IDs stay accounted for, and fail the job.
    const message = error instanceof Error ? error.message : String(error)
    log(`Unexpected error: ${message}`)
    outcome = {
      result: failed(plan, { status: null, errorCode: FailureCode.internal, errorMsg: message }, 1)
    }
  }
  core.startGroup(
    `Batch ${plan.batch}/${total}: ${plan.ids.length} IDs, ${describeResult(outcome.result)}`
  )
  for (const line of lines) core.info(line)
  core.endGroup()
  return outcome
}

async function deleteBatch(
  plan: BatchPlan,
  api: SmsApi,
  log: (line: string) => void
): Promise<BatchOutcome> {
  const label = `Batch ${plan.batch}`
  log(`IDs: ${plan.ids.join(', ')}`)
  const call = await api.deleteSources(plan.ids, label, log)
  const { response } = call
  if (response && isSuccessStatus(response.status)) {
    log(`Deleted ${plan.ids.length} IDs (HTTP ${response.status}).`)
    return { result: { ...base(plan, call.attempts), deletedIds: [...plan.ids] } }
  }

  const error =
    response && parseApiError(response.status, response.body, requestIdOf(response.headers))
  const failure = failureOf(call, error)
  if (error && isAuthFailure(error.status)) {
    log(`Denied: ${describeFailure(failure)}. The run stops here; details follow.`)
    return { result: failed(plan, failure, call.attempts), denial: error }
  }
  log(`Failed: ${describeFailure(failure)}${call.gaveUpReason ? ` (${call.gaveUpReason})` : ''}`)

  // A retry after a lost response can fail only because the first attempt already
  // deleted the servers. Check each ID rather than report it failed blindly.
  if (response && response.status >= 400 && response.status < 500 && call.mayHaveReachedServer) {
    return { result: await checkAfterLostResponse(plan, failure, call.attempts, api, log) }
  }
  return { result: failed(plan, failure, call.attempts) }
}

async function checkAfterLostResponse(
  plan: BatchPlan,
  failure: BatchFailure,
  attempts: number,
  api: SmsApi,
  log: (line: string) => void
): Promise<DeleteBatchResult> {
  log('An earlier attempt may have reached the server; checking whether each ID still exists.')
  const absent: string[] = []
  for (const id of plan.ids) {
    const check = await api.showSource(id, `Check of ${id}`, log)
    const status = check.response?.status
    if (status === 404 && !isGatewayError(check)) {
      absent.push(id)
      log(`${id}: already absent (HTTP 404), counted as deleted.`)
    } else {
      log(
        `${id}: ${status === undefined ? check.networkError?.message : `HTTP ${status}`}, keeps the original error.`
      )
      // A denied check will be denied for every ID: stop checking.
      if (status !== undefined && isAuthFailure(status)) break
    }
  }
  const absentSet = new Set(absent)
  const failedIds = plan.ids.filter((id) => !absentSet.has(id))
  return {
    ...base(plan, attempts),
    deletedIds: absent,
    failedIds,
    alreadyAbsentIds: absent,
    failure: failedIds.length > 0 ? failure : undefined
  }
}

/** A 404 from the gateway (APIGW.0101: no such API) says nothing about the server. */
function isGatewayError(call: CallResult): boolean {
  const { response } = call
  return (
    response !== undefined &&
    /^APIGW?\./.test(parseApiError(response.status, response.body).errorCode)
  )
}

/** The batch's failure: from the parsed error response, or from the network error. */
function failureOf(call: CallResult, error: ApiErrorDetails | undefined): BatchFailure {
  if (error) return { status: error.status, errorCode: error.errorCode, errorMsg: error.errorMsg }
  const networkError = call.networkError
  return {
    status: null,
    errorCode: networkError?.timedOut ? FailureCode.timeout : FailureCode.network,
    errorMsg: `${networkError?.message ?? 'no response'} (after ${call.attempts} attempt${call.attempts === 1 ? '' : 's'})`
  }
}

function base(plan: BatchPlan, attempts: number): DeleteBatchResult {
  return {
    batch: plan.batch,
    ids: [...plan.ids],
    deletedIds: [],
    failedIds: [],
    alreadyAbsentIds: [],
    attempts
  }
}

function failed(plan: BatchPlan, failure: BatchFailure, attempts: number): DeleteBatchResult {
  return { ...base(plan, attempts), failedIds: [...plan.ids], failure }
}

function notAttempted(plan: BatchPlan, reason: string): DeleteBatchResult {
  return failed(plan, { status: null, errorCode: FailureCode.notAttempted, errorMsg: reason }, 0)
}

/** Every batch marked not attempted: the run refused to start them. */
export function notAttemptedBatches(
  batches: readonly BatchPlan[],
  reason: string
): DeleteBatchResult[] {
  return batches.map((plan) => notAttempted(plan, reason))
}

function describeFailure(failure: BatchFailure): string {
  const status = failure.status === null ? 'no response' : `HTTP ${failure.status}`
  return `${status} ${failure.errorCode}${failure.errorMsg ? `: ${failure.errorMsg}` : ''}`
}

function describeResult(result: DeleteBatchResult): string {
  if (result.failedIds.length === 0) return 'deleted'
  if (result.deletedIds.length === 0)
    return `failed (${result.failure ? describeFailure(result.failure) : ''})`
  return `${result.deletedIds.length} deleted, ${result.failedIds.length} failed`
}
