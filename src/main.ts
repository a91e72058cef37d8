import { appendFile } from 'node:fs/promises'
import * as core from '@actions/core'
import { createAuthorizer } from './auth.js'
import { ApiClient } from './client.js'
import { parseConfig, type ActionConfig } from './config.js'
import { denialAdvice, denialLines } from './denial.js'
import { ActionError, ConfigError, DeniedError } from './errors.js'
import { executeBatches, notAttemptedBatches } from './execute.js'
import { tally, type DeleteBatchResult } from './results.js'
import { decodeAuthorizationMessage, manualDecodeHint, type DecodeOutcome } from './iam-api.js'
import { maskSecrets, readRawInputs } from './inputs.js'
import { planBatches } from './plan.js'
import { buildOutputs, setOutputs } from './report.js'
import { DEFAULT_BACKOFF } from './retry.js'
import { describeSelection } from './selection.js'
import { SmsApi } from './sms-api.js'
import { renderSummary, type SummaryModel } from './summary.js'
import { resolveTargets, type Targets } from './targets.js'

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

/** What the run knows so far; the report is built from it however the run ends. */
interface RunState {
  config?: ActionConfig
  targets?: Targets
  batches: DeleteBatchResult[]
  denial?: SummaryModel['denial']
  errorMessage?: string
  clients: ApiClient[]
}

/** The action: config → targets → plan → execute → report. */
export async function run(dependencies: Partial<RunDependencies> = {}): Promise<void> {
  const deps = { ...realDependencies, ...dependencies }
  const startedAt = deps.now()
  const state: RunState = { batches: [], clients: [] }
  try {
    const inputs = readRawInputs()
    maskSecrets(inputs)
    const config = (state.config = parseConfig(inputs))
    const sms = new SmsApi(createClient(config.endpoint, config, deps, state))

    const targets = (state.targets = await resolveTargets(config.target, sms, deps.now()))
    announceTargets(config, targets)
    if (targets.ids.length === 0) return

    const batches = planBatches(targets.ids, config.batchSize)
    if (config.maxDeletions !== undefined && targets.ids.length > config.maxDeletions) {
      // A dry run reports no deleted or failed IDs; a real run accounts for every planned one.
      if (!config.dryRun) state.batches = notAttemptedBatches(batches, 'Refused by max-deletions.')
      throw new ActionError(
        `Refusing to delete: this run plans to delete ${targets.ids.length} source server(s), more than max-deletions (${config.maxDeletions}). Nothing was deleted.`
      )
    }
    if (config.dryRun) {
      core.notice(
        `Dry run: ${targets.ids.length} source server(s) would be deleted in ${batches.length} batch(es). Nothing was deleted.`,
        { title: 'Dry run' }
      )
      return
    }

    core.info(
      `Deleting ${targets.ids.length} source server record(s) in ${batches.length} batch(es) of up to ${config.batchSize}.`
    )
    const execution = await executeBatches(batches, sms, { concurrency: config.concurrency })
    state.batches = execution.batches
    if (execution.denial) {
      const { batch, error } = execution.denial
      throw new DeniedError(
        `Batch ${batch} was denied (HTTP ${error.status} ${error.errorCode}: ${error.errorMsg}).`,
        error,
        batch
      )
    }
    reportFailures(state.batches, config)
  } catch (error) {
    await fail(error, state, deps)
  } finally {
    const outputs = buildOutputs(state.batches, state.targets?.ids ?? [])
    setOutputs(outputs)
    await writeSummary(state, deps.now() - startedAt)
  }
}

function createClient(
  baseUrl: string,
  config: ActionConfig,
  deps: RunDependencies,
  state: RunState
): ApiClient {
  const client = new ApiClient(baseUrl, {
    authorize: createAuthorizer(config.auth, deps.now),
    timeoutMs: config.timeoutMs,
    retry: { ...DEFAULT_BACKOFF, maxRetries: config.maxRetries },
    ...deps
  })
  state.clients.push(client)
  return client
}

function announceTargets(config: ActionConfig, targets: Targets): void {
  if (targets.duplicates.length > 0) {
    core.notice(
      `Input 'ids' lists ${targets.duplicates.length} ID(s) more than once; each is sent once: ${targets.duplicates.join(', ')}`
    )
  }
  if (targets.ids.length > 0) return
  core.notice(
    config.target.kind === 'ids'
      ? "Input 'ids' is empty: nothing to delete, no request sent."
      : 'No source server matches the selection: nothing to delete.'
  )
}

function reportFailures(batches: readonly DeleteBatchResult[], config: ActionConfig): void {
  const { deleted, failed } = tally(batches)
  core.info(`Result: ${deleted} deleted, ${failed} failed, in ${batches.length} batch(es).`)
  if (failed === 0) return
  const failedBatches = batches.filter((b) => b.failedIds.length > 0).length
  const message = `${failed} ID(s) in ${failedBatches} batch(es) were not deleted; see the failed-ids and failed-batches outputs.`
  if (config.failOnError) core.setFailed(message)
  else core.warning(message, { title: 'Some source servers were not deleted' })
}

/** The one place an error becomes the job's failure. */
async function fail(error: unknown, state: RunState, deps: RunDependencies): Promise<void> {
  if (error instanceof DeniedError) {
    await reportDenial(error, state, deps)
    return
  }
  if (error instanceof ConfigError || error instanceof ActionError) {
    state.errorMessage = error.message
    core.setFailed(error.message)
    return
  }
  // Not an API answer or an input problem: a bug. Keep the stack out of the normal log.
  const message = error instanceof Error ? error.message : String(error)
  core.debug(error instanceof Error ? (error.stack ?? message) : message)
  state.errorMessage = `Unexpected error: ${message}`
  core.setFailed(state.errorMessage)
}

/** Logs every detail of a 401/403, decodes SMS.9004 when it can, and fails the job. */
async function reportDenial(
  denied: DeniedError,
  state: RunState,
  deps: RunDependencies
): Promise<void> {
  const { denial: error, batch } = denied
  const config = state.config
  const lines = denialLines(error, config?.auth.kind)
  core.startGroup(`Denial details (HTTP ${error.status} ${error.errorCode})`)
  for (const line of lines) core.info(line)
  core.endGroup()

  let decoded: DecodeOutcome | undefined
  if (config && error.errorCode === 'SMS.9004' && error.encodedAuthorizationMessage) {
    decoded = config.decodeAuthorizationMessage
      ? await decodeAuthorizationMessage(
          createClient(config.iamEndpoint, config, deps, state),
          error.encodedAuthorizationMessage,
          (line) => core.info(line)
        )
      : { ok: false, reason: "decode-authorization-message is 'false'." }
    if (decoded.ok) {
      core.startGroup('Decoded authorization message')
      core.info(decoded.message)
      core.endGroup()
    } else {
      core.info(`Could not decode the denial: ${decoded.reason}`)
      core.info(manualDecodeHint(config.iamEndpoint))
    }
  }
  state.denial = {
    batch,
    error,
    decoded,
    advice: denialAdvice(error, config?.auth.kind ?? 'token'),
    iamEndpoint: config?.iamEndpoint
  }
  const notDeleted = tally(state.batches).failed
  const text = [
    `${denied.message} The run stopped${state.batches.length > 0 ? `; ${notDeleted} ID(s) were not deleted` : ' before deleting anything'}.`,
    ...lines.slice(1),
    ...(decoded?.ok ? ['Decoded authorization message:', decoded.message] : [])
  ].join('\n')
  core.error(text, {
    title:
      error.errorCode === 'SMS.9004'
        ? 'SMS permission denied (SMS.9004)'
        : `SMS request denied (HTTP ${error.status})`
  })
  core.setFailed(`Permission denied: HTTP ${error.status} ${error.errorCode}`)
}

/** Appends to the file the runner names; core.summary caches that path per process, which in-process tests cannot share. */
async function writeSummary(state: RunState, durationMs: number): Promise<void> {
  const path = process.env.GITHUB_STEP_SUMMARY
  if (!path) return
  await appendFile(path, `${renderSummary(summaryModel(state, durationMs))}\n`, 'utf8')
}

/** The one-word verdict of the run, for the summary. */
function outcomeOf(state: RunState, deleted: number, failed: number): SummaryModel['outcome'] {
  if (state.denial) return 'denied'
  if (!state.config) return 'invalid-input'
  if (state.errorMessage || failed > 0) return deleted > 0 ? 'partial' : 'failed'
  if (state.targets?.ids.length === 0) return 'nothing-to-do'
  return state.config.dryRun ? 'dry-run' : 'deleted'
}

function summaryModel(state: RunState, durationMs: number): SummaryModel {
  const { config, targets, batches } = state
  const { deleted, failed } = tally(batches)
  const dryRun = config?.dryRun ?? false
  return {
    outcome: outcomeOf(state, deleted, failed),
    dryRun,
    mode:
      config?.target.kind === 'selection'
        ? { kind: 'selection', filters: describeSelection(config.target.filter) }
        : { kind: 'ids' },
    endpointHost: config ? new URL(config.endpoint).host : '',
    planned: targets?.ids.length ?? 0,
    deleted,
    failed,
    retries: state.clients.reduce((n, c) => n + c.retries, 0),
    durationMs,
    batches,
    selectedServers: targets?.selected,
    denial: state.denial,
    errorMessage: state.errorMessage
  }
}
