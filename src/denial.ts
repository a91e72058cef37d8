import type { ApiErrorDetails } from './api-error.js'
import type { AuthConfig } from './config.js'

type AuthKind = AuthConfig['kind']

/** Every detail of a 401/403, one line each, as the API returned it. */
export function denialLines(error: ApiErrorDetails, authKind: AuthKind = 'token'): string[] {
  const lines = [
    `Denied: HTTP ${error.status} ${error.errorCode}`,
    `error_msg: ${error.errorMsg || '(none)'}`
  ]
  error.errorParams.forEach((param, index) => lines.push(`error_param[${index}]: ${param}`))
  error.details.forEach((detail, index) =>
    lines.push(`details[${index}]: ${detail.errorCode}: ${detail.errorMsg}`)
  )
  if (error.requestId) lines.push(`request_id: ${error.requestId}`)
  if (error.encodedAuthorizationMessage) {
    lines.push(`encoded_authorization_message: ${error.encodedAuthorizationMessage}`)
  }
  lines.push(...denialAdvice(error, authKind))
  return lines
}

/** What this denial usually means, and what to do about it. */
export function denialAdvice(error: ApiErrorDetails, authKind: AuthKind): string[] {
  if (error.errorCode === 'SMS.9004') {
    return [
      'The credentials are valid, but a policy does not allow this action on these resources.',
      'Grant the IAM user or agency permission to delete SMS source servers (see "Permissions and Supported Actions" in the SMS API reference), for example through the SMS FullAccess policy.',
      ...(error.encodedAuthorizationMessage
        ? [
            'The encoded_authorization_message above can be decoded with IAM: POST /v5/decode-authorization-message (needs sts::decodeAuthorizationMessage).'
          ]
        : [])
    ]
  }
  if (error.status === 401 && authKind === 'aksk') {
    return [
      'The signature was not accepted. Usual causes: a wrong secret-access-key for this access-key-id; a runner clock more than 15 minutes off;',
      'temporary AK/SK used without security-token; or a missing domain-id (X-Domain-Id) where the service asks for it.',
      'Not retried: more than 5 signature failures in a row lock the AK/SK for 5 minutes.'
    ]
  }
  if (error.status === 401) {
    return [
      'The request was not authenticated: the token is wrong, has expired (tokens last 24 hours), or was issued for another region.',
      'Scheduled workflows should use AK/SK instead of a stored token.'
    ]
  }
  return ['The request was refused. Check the permissions of the IAM user or agency.']
}
