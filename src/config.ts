import { parseEndpoint } from './endpoint.js'
import { ConfigError, quoteValue } from './errors.js'
import { hasWhitespaceOrControl, parseIds, type ParsedIds } from './ids.js'
import { ENV_FALLBACKS, type InputName, type RawInputs } from './inputs.js'
import {
  isSelectionEmpty,
  parseDuration,
  parseNamePatterns,
  parseStates,
  type SelectionFilter
} from './selection.js'
import type { AkSkCredentials } from './signing.js'

/** How requests are authenticated. Exactly one method per run. */
export type AuthConfig =
  { kind: 'token'; token: string } | { kind: 'aksk'; credentials: AkSkCredentials }

/** What to delete: the IDs given, or the servers a listing selects. */
export type TargetConfig =
  { kind: 'ids'; ids: ParsedIds } | { kind: 'selection'; filter: SelectionFilter }

/** Everything the action needs, parsed and validated once from the inputs. */
export interface ActionConfig {
  target: TargetConfig
  auth: AuthConfig
  /** Origin of the SMS API, without a trailing slash. */
  endpoint: string
  batchSize: number
  maxRetries: number
  timeoutMs: number
  failOnError: boolean
  concurrency: number
  /** Origin of IAM, where an SMS.9004 denial is decoded. */
  iamEndpoint: string
  decodeAuthorizationMessage: boolean
  /** Refuse to delete anything when the plan holds more than this. */
  maxDeletions?: number
  dryRun: boolean
}

/** The API accepts 1 to 50 IDs per batch-delete request. */
export const MAX_BATCH_SIZE = 50

/** Runs parsers and keeps every ConfigError, so all problems are reported in one go. */
class ProblemCollector {
  private readonly problems: string[] = []

  add(message: string): void {
    this.problems.push(message)
  }

  take<T, F>(parse: () => T, fallback: F): T | F {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      this.add(error.message)
      return fallback
    }
  }

  throwIfAny(): void {
    const { problems } = this
    if (problems.length === 1) throw new ConfigError(problems[0] ?? '')
    if (problems.length > 1) {
      throw new ConfigError(
        `${problems.length} inputs are invalid; nothing was sent.\n` +
          problems.map((p) => `  - ${p.replace(/\n/g, '\n    ')}`).join('\n')
      )
    }
  }
}

/**
 * Validates every input and returns the typed config. All problems are reported
 * together in one ConfigError, so a user fixes them in one go.
 */
export function parseConfig(inputs: RawInputs, env: NodeJS.ProcessEnv = process.env): ActionConfig {
  const problems = new ProblemCollector()
  const take = problems.take.bind(problems)
  const config: ActionConfig = {
    target: parseTarget(inputs, problems),
    auth: take(() => parseAuth(inputs, env), { kind: 'token', token: '' } as const),
    endpoint: take(() => parseEndpoint(inputs.endpoint, 'endpoint'), ''),
    batchSize: take(() => parseInteger(inputs, 'batch-size', 1, MAX_BATCH_SIZE), 0),
    maxRetries: take(() => parseInteger(inputs, 'max-retries', 0, 10), 0),
    timeoutMs: take(() => parseInteger(inputs, 'timeout-seconds', 1, 600) * 1000, 0),
    failOnError: take(() => parseBoolean(inputs, 'fail-on-error'), true),
    concurrency: take(() => parseInteger(inputs, 'concurrency', 1, 10), 1),
    iamEndpoint: take(() => parseEndpoint(inputs['iam-endpoint'], 'iam-endpoint'), ''),
    decodeAuthorizationMessage: take(
      () => parseBoolean(inputs, 'decode-authorization-message'),
      true
    ),
    maxDeletions:
      inputs['max-deletions'] === ''
        ? undefined
        : take(() => parseInteger(inputs, 'max-deletions', 0, 100_000), undefined),
    dryRun: take(() => parseBoolean(inputs, 'dry-run'), false)
  }
  problems.throwIfAny()
  return config
}

const SELECT_INPUTS = [
  'select-state',
  'select-name',
  'select-disconnected',
  'select-older-than'
] as const

/** `ids` or `select-*`, never both. Neither is an empty ID list: nothing to do. */
function parseTarget(inputs: RawInputs, problems: ProblemCollector): TargetConfig {
  const filter: SelectionFilter = {
    states: problems.take(() => parseStates(inputs['select-state']), undefined),
    namePatterns: problems.take(() => parseNamePatterns(inputs['select-name']), undefined),
    disconnectedOnly:
      inputs['select-disconnected'] !== '' &&
      problems.take(() => parseBoolean(inputs, 'select-disconnected'), false),
    olderThanMs: problems.take(
      () => parseDuration(inputs['select-older-than'], 'select-older-than'),
      undefined
    ),
    olderThanText: inputs['select-older-than'] || undefined
  }
  const ids = problems.take(() => parseIds(inputs.ids), { ids: [], duplicates: [] })
  const selectGiven = SELECT_INPUTS.filter((name) =>
    name === 'select-disconnected' ? filter.disconnectedOnly : inputs[name] !== ''
  )
  if (inputs.ids !== '' && selectGiven.length > 0) {
    problems.add(
      `Input 'ids' and ${selectGiven.map((n) => `'${n}'`).join(', ')} are both set. Give IDs, or choose servers with select-*, not both.`
    )
  }
  return isSelectionEmpty(filter) ? { kind: 'ids', ids } : { kind: 'selection', filter }
}

const AKSK_INPUTS = ['access-key-id', 'secret-access-key', 'security-token', 'domain-id'] as const

/**
 * Exactly one of: a token, or AK/SK (inputs first, then the env variables that
 * huaweicloud/auth-action exports). The env is only a fallback: a token input wins
 * over AK/SK in the env, so a job may mint its own token after auth-action ran.
 */
function parseAuth(inputs: RawInputs, env: NodeJS.ProcessEnv): AuthConfig {
  const akskInputs = AKSK_INPUTS.filter((name) => inputs[name] !== '')
  if (inputs.token !== '' && akskInputs.length > 0) {
    throw new ConfigError(
      `Input 'token' and ${akskInputs.map((n) => `'${n}'`).join(', ')} are both set. Use one auth method: a token, or AK/SK.`
    )
  }
  if (inputs.token !== '')
    return { kind: 'token', token: checkHeaderSafe(inputs.token, "Input 'token'") }

  const fromInputs = inputs['access-key-id'] !== '' || inputs['secret-access-key'] !== ''
  const pick = (name: keyof typeof ENV_FALLBACKS): string =>
    fromInputs ? inputs[name] : (env[ENV_FALLBACKS[name]]?.trim() ?? '')
  const accessKeyId = pick('access-key-id')
  const secretAccessKey = pick('secret-access-key')
  const securityToken = pick('security-token') || inputs['security-token']
  if (accessKeyId === '' && secretAccessKey === '') {
    throw new ConfigError(
      "No credentials: set input 'token', or 'access-key-id' and 'secret-access-key' " +
        `(or the env variables ${ENV_FALLBACKS['access-key-id']} and ${ENV_FALLBACKS['secret-access-key']}, which huaweicloud/auth-action exports).`
    )
  }
  if (accessKeyId === '' || secretAccessKey === '') {
    const [has, lacks] =
      accessKeyId === ''
        ? (['secret-access-key', 'access-key-id'] as const)
        : (['access-key-id', 'secret-access-key'] as const)
    throw new ConfigError(
      `'${has}' is set but '${lacks}' is not (input '${lacks}' or env ${ENV_FALLBACKS[lacks]}). AK/SK need both.`
    )
  }
  const source = (name: keyof typeof ENV_FALLBACKS): string =>
    fromInputs ? `Input '${name}'` : `Env ${ENV_FALLBACKS[name]}`
  checkHeaderSafe(accessKeyId, source('access-key-id'))
  checkHeaderSafe(secretAccessKey, source('secret-access-key'))
  if (securityToken) checkHeaderSafe(securityToken, "'security-token'")
  const domainId = inputs['domain-id']
  if (domainId !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(domainId)) {
    throw new ConfigError(`Input 'domain-id': ${quoteValue(domainId)} is not an account ID.`)
  }
  return {
    kind: 'aksk',
    credentials: {
      accessKeyId,
      secretAccessKey,
      ...(securityToken ? { securityToken } : {}),
      ...(domainId ? { domainId } : {})
    }
  }
}

/**
 * Credentials travel in HTTP headers, where whitespace or control characters make the
 * request fail (and we would retry it for nothing). The value is a secret: never shown.
 */
function checkHeaderSafe(value: string, source: string): string {
  if (hasWhitespaceOrControl(value)) {
    throw new ConfigError(
      `${source} contains whitespace or control characters (the value is a secret and is not shown).`
    )
  }
  return value
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
