import type { ApiClient, CallResult } from './client.js'
import { isSuccessStatus, parseApiError } from './api-error.js'

export type DecodeOutcome = { ok: true; message: string } | { ok: false; reason: string }

/** Asks IAM to decode the encoded_authorization_message of an SMS.9004 denial. */
export async function decodeAuthorizationMessage(
  iam: ApiClient,
  encodedMessage: string,
  log: (line: string) => void
): Promise<DecodeOutcome> {
  const call = await iam.call('POST', '/v5/decode-authorization-message', {
    label: 'Decode of the denial',
    log,
    body: JSON.stringify({ encoded_message: encodedMessage })
  })
  return decodeOutcomeOf(call)
}

/** Turns IAM's answer into the decoded text, or one line saying why there is none. */
export function decodeOutcomeOf(call: CallResult): DecodeOutcome {
  const { response } = call
  if (!response)
    return {
      ok: false,
      reason: `IAM could not be reached: ${call.networkError?.message ?? 'no response'}`
    }
  if (!isSuccessStatus(response.status)) {
    const error = parseApiError(response.status, response.body)
    const why =
      response.status === 403
        ? ' (the credentials lack sts::decodeAuthorizationMessage)'
        : response.status === 401
          ? ' (IAM did not accept these credentials for this call)'
          : ''
    return {
      ok: false,
      reason: `IAM answered HTTP ${response.status} ${error.errorCode}${why}: ${error.errorMsg}`
    }
  }
  try {
    const decoded = (JSON.parse(response.body) as { decoded_message?: unknown }).decoded_message
    if (typeof decoded === 'string' && decoded !== '')
      return { ok: true, message: prettyIfJson(decoded) }
  } catch {
    // Falls through: not JSON.
  }
  return { ok: false, reason: 'IAM answered, but without a decoded_message.' }
}

/** The decoded message's format is undocumented: pretty-print it when it is JSON, else keep it as is. */
export function prettyIfJson(text: string): string {
  return prettyJsonObject(text) ?? text
}

/** A JSON object or array, pretty-printed; undefined for anything else (a bare JSON string stays text). */
export function prettyJsonObject(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : undefined
  } catch {
    return undefined
  }
}

/** How to decode by hand when we could not. */
export function manualDecodeHint(iamEndpoint: string): string {
  return (
    `To decode it yourself: POST ${iamEndpoint}/v5/decode-authorization-message with body ` +
    `{"encoded_message": "<the encoded_authorization_message above>"}, signed with AK/SK of a user ` +
    `that has the permission sts::decodeAuthorizationMessage (for example with hcloud or the IAM API Explorer).`
  )
}
