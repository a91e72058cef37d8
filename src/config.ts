import { parseEndpoint } from './endpoint.js'
import { ConfigError, quoteValue } from './errors.js'
import { parseIds, type ParsedIds } from './ids.js'
import type { InputName, RawInputs } from './inputs.js'

/** How requests are authenticated. Exactly one method per run. */
export type AuthConfig = { kind: 'token'; token: string }

/** Everything the action needs, parsed and validated once from the inputs. */
export interface ActionConfig {
  ids: ParsedIds
  auth: AuthConfig
  /** Origin of the SMS API, without a trailing slash. */
  endpoint: string
  batchSize: number
  maxRetries: number
  timeoutMs: number
  failOnError: boolean
  concurrency: number
}

/** The API accepts 1 to 50 IDs per batch-delete request. */
export const MAX_BATCH_SIZE = 50

/**
 * Validates every input and returns the typed config. All problems are reported
 * together in one ConfigError, so a user fixes them in one go.
 */
export function parseConfig(inputs: RawInputs): ActionConfig {
  const problems: string[] = []
  const attempt = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      problems.push(error.message)
      return fallback
    }
  }

  const config: ActionConfig = {
    ids: attempt(() => parseIds(inputs.ids), { ids: [], duplicates: [] }),
    auth: attempt(() => parseAuth(inputs), { kind: 'token', token: '' }),
    endpoint: attempt(() => parseEndpoint(inputs.endpoint, 'endpoint'), ''),
    batchSize: attempt(() => parseInteger(inputs, 'batch-size', 1, MAX_BATCH_SIZE), 0),
    maxRetries: attempt(() => parseInteger(inputs, 'max-retries', 0, 10), 0),
    timeoutMs: attempt(() => parseInteger(inputs, 'timeout-seconds', 1, 600) * 1000, 0),
    failOnError: attempt(() => parseBoolean(inputs, 'fail-on-error'), true),
    concurrency: attempt(() => parseInteger(inputs, 'concurrency', 1, 10), 1)
  }
  if (problems.length === 1) throw new ConfigError(problems[0] ?? '')
  if (problems.length > 1) {
    throw new ConfigError(
      `${problems.length} inputs are invalid; nothing was sent.\n` +
        problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')
    )
  }
  return config
}

function parseAuth(inputs: RawInputs): AuthConfig {
  if (inputs.token === '') {
    throw new ConfigError(
      "Input 'token' is required: an IAM user token for the account that owns the source servers."
    )
  }
  return { kind: 'token', token: inputs.token }
}

export function parseInteger(inputs: RawInputs, name: InputName, min: number, max: number): number {
  const value = inputs[name]
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(
      `Input '${name}': ${quoteValue(value)} is not valid; use a whole number from ${min} to ${max}.`
    )
  }
  return Number(value)
}

/** Same spellings as core.getBooleanInput (YAML 1.2 core schema), but the default comes from inputs. */
export function parseBoolean(inputs: RawInputs, name: InputName): boolean {
  const value = inputs[name]
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new ConfigError(`Input '${name}': ${quoteValue(value)} is not valid; use true or false.`)
}
