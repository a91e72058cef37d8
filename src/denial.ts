import type { ApiErrorDetails } from './api-error.js'

/** Every detail of a 401/403, one line each, as the API returned it. */
export function denialLines(error: ApiErrorDetails): string[] {
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
  lines.push(...denialAdvice(error))
  return lines
}

/** What this denial usually means, and what to do about it. */
export function denialAdvice(error: ApiErrorDetails): string[] {
  if (error.errorCode === 'SMS.9004') {
    return [
      'The credentials are valid, but a policy does not allow this action on these resources.',
      'Grant the IAM user or agency the SMS delete permission (for example sms:server:delete), or the SMS FullAccess role.',
      ...(error.encodedAuthorizationMessage
        ? [
            'The encoded_authorization_message above can be decoded with IAM: POST /v5/decode-authorization-message (needs sts::decodeAuthorizationMessage).'
          ]
        : [])
    ]
  }
  if (error.status === 401) {
    return [
      'The request was not authenticated: the token is wrong, has expired (tokens last 24 hours), or was issued for another region.'
    ]
  }
  return ['The request was refused. Check the permissions of the IAM user or agency.']
}
