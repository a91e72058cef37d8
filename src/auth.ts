import type { RequestAuthorizer } from './client.js'
import type { AuthConfig } from './config.js'
import { signRequest } from './signing.js'

/** Headers that authenticate one attempt: the token, or a fresh signature with the current time. */
export function createAuthorizer(auth: AuthConfig, now: () => number): RequestAuthorizer {
  if (auth.kind === 'token') return () => ({ 'X-Auth-Token': auth.token })
  return (request) => signRequest(request, auth.credentials, new Date(now()))
}
