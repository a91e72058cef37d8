import { isIP } from 'node:net'
import { ConfigError, quoteValue } from './errors.js'

/**
 * Validates an endpoint input and returns its origin (scheme, host and port; no
 * trailing slash). Credentials travel to this address, so it must be https://,
 * except on loopback, where plain http:// serves local testing.
 */
export function parseEndpoint(value: string, inputName: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new ConfigError(
      `Input '${inputName}': ${quoteValue(value)} is not a URL. Use, for example, https://sms.ap-southeast-3.myhuaweicloud.com`
    )
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`Input '${inputName}' must not contain a user name or password.`)
  }
  if (url.search !== '' || url.hash !== '' || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(
      `Input '${inputName}': ${quoteValue(value)} must be a bare origin such as https://sms.ap-southeast-3.myhuaweicloud.com (no path, query or fragment).`
    )
  }
  if (url.protocol === 'https:') return url.origin
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url.origin
    throw new ConfigError(
      `Input '${inputName}': ${quoteValue(value)} uses plain http://, which would send credentials unencrypted. ` +
        `Use https://; http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost).`
    )
  }
  throw new ConfigError(`Input '${inputName}': ${quoteValue(value)} must start with https://`)
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  if (isIP(host) === 6) return host === '::1'
  return false
}
