import * as core from '@actions/core'

/**
 * Every input the action reads, with the default that action.yml declares.
 * The runner fills in action.yml defaults, but `node dist/index.js` run by hand
 * (or by local-action) does not, so we apply them here too. A test keeps this
 * table and action.yml identical.
 */
export const INPUT_DEFAULTS = {
  ids: '',
  token: '',
  endpoint: 'https://sms.ap-southeast-3.myhuaweicloud.com',
  'batch-size': '50',
  'max-retries': '3',
  'timeout-seconds': '30',
  'fail-on-error': 'true',
  concurrency: '2',
  'access-key-id': '',
  'secret-access-key': '',
  'security-token': '',
  'domain-id': '',
  'iam-endpoint': 'https://iam.myhuaweicloud.com',
  'decode-authorization-message': 'true',
  'select-state': '',
  'select-name': '',
  'select-disconnected': '',
  'select-older-than': '',
  'max-deletions': '',
  'dry-run': 'false'
} as const

export type InputName = keyof typeof INPUT_DEFAULTS
export type RawInputs = Record<InputName, string>

/** The inputs that hold credentials: masked before anything else happens. */
export const SECRET_INPUTS: readonly InputName[] = [
  'token',
  'access-key-id',
  'secret-access-key',
  'security-token'
]

/** Where AK/SK come from when the inputs are empty: what huaweicloud/auth-action exports. */
export const ENV_FALLBACKS = {
  'access-key-id': 'HUAWEI_CLOUD_ACCESS_KEY_ID',
  'secret-access-key': 'HUAWEI_CLOUD_SECRET_ACCESS_KEY',
  'security-token': 'HUAWEI_CLOUD_SECURITY_TOKEN'
} as const satisfies Partial<Record<InputName, string>>

/** Reads every input once, trimmed, with its default applied when empty. */
export function readRawInputs(
  getInput: (name: string) => string = (name) => core.getInput(name)
): RawInputs {
  const inputs = {} as RawInputs
  for (const name of Object.keys(INPUT_DEFAULTS) as InputName[]) {
    const value = getInput(name).trim()
    inputs[name] = value === '' ? INPUT_DEFAULTS[name] : value
  }
  return inputs
}

/** Registers every credential, from inputs or env fallbacks, with the runner's log masker. Call before logging anything. */
export function maskSecrets(inputs: RawInputs, env: NodeJS.ProcessEnv = process.env): void {
  const fallbacks = Object.values(ENV_FALLBACKS).map((name) => env[name]?.trim() ?? '')
  for (const secret of [...SECRET_INPUTS.map((name) => inputs[name]), ...fallbacks]) {
    if (secret !== '') core.setSecret(secret)
  }
}
