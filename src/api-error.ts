/** What an error response from SMS (or the API gateway in front of it) told us. */
export interface ApiErrorDetails {
  status: number
  errorCode: string
  errorMsg: string
  requestId?: string
  errorParams: string[]
  details: { errorCode: string; errorMsg: string }[]
  encodedAuthorizationMessage?: string
}

/** How much of a body that is not JSON we keep as the message. */
export const MAX_TEXT_MESSAGE = 300

/**
 * Reads an error body in any of the shapes we meet: SMS's flat
 * `{error_code, error_msg, ...}`, the nested `{error: {code, message}}` that other
 * Huawei services use, or a text/HTML page from a proxy.
 */
export function parseApiError(
  status: number,
  body: string,
  requestIdHeader?: string
): ApiErrorDetails {
  const fallbackCode = `HTTP_${status}`
  const json = parseJsonObject(body)
  if (json === undefined) {
    const text = body.replace(/\s+/g, ' ').trim()
    return {
      status,
      errorCode: fallbackCode,
      errorMsg: text.length > MAX_TEXT_MESSAGE ? `${text.slice(0, MAX_TEXT_MESSAGE)}…` : text,
      requestId: requestIdHeader,
      errorParams: [],
      details: []
    }
  }
  const nested = isObject(json.error) ? json.error : {}
  const details = Array.isArray(json.details) ? json.details.filter(isObject) : []
  return {
    status,
    errorCode: firstString(json.error_code, nested.code, nested.error_code) ?? fallbackCode,
    errorMsg: firstString(json.error_msg, nested.message, nested.error_msg) ?? '',
    requestId: firstString(json.request_id, nested.request_id, requestIdHeader),
    errorParams: Array.isArray(json.error_param) ? json.error_param.map(String) : [],
    details: details.map((detail) => ({
      errorCode: firstString(detail.error_code, detail.code) ?? '',
      errorMsg: firstString(detail.error_msg, detail.message) ?? ''
    })),
    encodedAuthorizationMessage: firstString(
      json.encoded_authorization_message,
      nested.encoded_authorization_message
    )
  }
}

/** The gateway's request ID, which Huawei support asks for. */
export function requestIdOf(
  headers: Record<string, string | string[] | undefined>
): string | undefined {
  const value = headers['x-request-id'] ?? headers['x-apig-request-id']
  return Array.isArray(value) ? value[0] : value
}

/** Any 2xx: the call did what it asked, whatever the body. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300
}

/** A denial that must stop the run: any 401 or 403, SMS.9004 included. */
export function isAuthFailure(status: number | null): boolean {
  return status === 401 || status === 403
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body)
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function firstString(...values: unknown[]): string | undefined {
  return values.find((value): value is string => typeof value === 'string' && value !== '')
}
