/**
 * The fake SMS server's check of "SDK-HMAC-SHA256" (AK/SK) signatures.
 *
 * Written independently of src/signing.ts on purpose: it works from the raw request as an HTTP
 * server receives it (still percent-encoded path and query, lowercase headers, body bytes), so a
 * mistake in the client's signer cannot be mirrored here. It follows the Python and Go reference
 * signers: decode the path, then encode each segment; decode query names and values, then sort.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'

export interface SignedRequest {
  method: string
  /** req.url as received: path + optional ?query, still percent-encoded */
  rawPath: string
  headers: IncomingHttpHeaders
  body: Buffer
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; securityToken?: string; domainId?: string }
  | { ok: false; reason: string }

const AUTHORIZATION =
  /^SDK-HMAC-SHA256 +Access=([^,\s]+), *SignedHeaders=([^,\s]+), *Signature=([0-9a-f]{64})$/
const SDK_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/
/** Headers that change what the request means: if sent, the signature must cover them. */
const MUST_SIGN_IF_SENT = ['x-security-token', 'x-domain-id']

class Rejected extends Error {}

export function verifySignature(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date,
  maxSkewMs = 15 * 60 * 1000
): VerifyResult {
  try {
    return verify(request, secretFor, now, maxSkewMs)
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, reason: error.message }
    throw error
  }
}

function verify(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date,
  maxSkewMs: number
): VerifyResult {
  const authorization = header(request.headers, 'authorization')
  if (authorization === undefined) reject('no Authorization header')
  const match = AUTHORIZATION.exec(authorization)
  if (!match) reject(`malformed Authorization header: ${authorization}`)
  const [, accessKeyId = '', signedHeaderList = '', signature = ''] = match

  const secret = secretFor(accessKeyId)
  if (secret === undefined) reject(`unknown access key ${accessKeyId}`)

  const sdkDate = header(request.headers, 'x-sdk-date')
  if (sdkDate === undefined) reject('no X-Sdk-Date header')
  const signedAt = parseSdkDate(sdkDate)
  const skew = Math.abs(now.getTime() - signedAt.getTime())
  if (skew > maxSkewMs) {
    reject(`X-Sdk-Date ${sdkDate} is ${Math.round(skew / 1000)} s away from server time`)
  }

  const signedHeaders = signedHeaderList.split(';')
  for (const name of signedHeaders) {
    if (!/^[a-z0-9-]+$/.test(name)) reject(`bad name in SignedHeaders: "${name}"`)
    if (header(request.headers, name) === undefined) reject(`signed header ${name} was not sent`)
  }
  for (const required of ['host', 'x-sdk-date']) {
    if (!signedHeaders.includes(required)) reject(`SignedHeaders must include ${required}`)
  }
  for (const name of MUST_SIGN_IF_SENT) {
    if (header(request.headers, name) !== undefined && !signedHeaders.includes(name)) {
      reject(`${name} is sent but not signed`)
    }
  }
  if (header(request.headers, 'x-sdk-content-sha256') !== undefined) {
    reject('X-Sdk-Content-Sha256 is not supported by the fake server: sign the body')
  }

  const canonical = buildCanonicalRequest(request, signedHeaders)
  const toSign = `SDK-HMAC-SHA256\n${sdkDate}\n${sha256(canonical)}`
  const expected = createHmac('sha256', secret).update(toSign).digest()
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    reject('signature does not match')
  }

  const securityToken = header(request.headers, 'x-security-token')
  const domainId = header(request.headers, 'x-domain-id')
  return {
    ok: true,
    accessKeyId,
    ...(securityToken === undefined ? {} : { securityToken }),
    ...(domainId === undefined ? {} : { domainId })
  }
}

function reject(reason: string): never {
  throw new Rejected(reason)
}

/** A header's value as signed: trimmed, repeated values joined with a comma. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  return (Array.isArray(value) ? value.join(',') : value).trim()
}

function parseSdkDate(text: string): Date {
  const parts = SDK_DATE.exec(text)
  if (!parts) reject(`malformed X-Sdk-Date: ${text}`)
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number)
  const date = new Date(Date.UTC(year ?? 0, (month ?? 0) - 1, day, hour, minute, second))
  // Date.UTC rolls 20240231 over to March; a real server would refuse it.
  if (date.toISOString().replace(/[-:]|\.000/g, '') !== text) reject(`invalid X-Sdk-Date: ${text}`)
  return date
}

function buildCanonicalRequest(request: SignedRequest, signedHeaders: string[]): string {
  const queryStart = request.rawPath.indexOf('?')
  const rawPath = queryStart === -1 ? request.rawPath : request.rawPath.slice(0, queryStart)
  const rawQuery = queryStart === -1 ? '' : request.rawPath.slice(queryStart + 1)

  const segments = percentDecode(rawPath, 'path').split('/').map(percentEncode)
  let uri = segments.join('/')
  if (!uri.endsWith('/')) uri += '/'

  const headerBlock = signedHeaders
    .map((name) => `${name}:${header(request.headers, name) ?? ''}\n`)
    .join('')

  return [
    request.method.toUpperCase(),
    uri,
    canonicalQuery(rawQuery),
    headerBlock,
    signedHeaders.join(';'),
    sha256(request.body)
  ].join('\n')
}

function canonicalQuery(rawQuery: string): string {
  // Servers disagree on whether '+' is a space: the fake server refuses to guess.
  if (rawQuery.includes('+')) reject(`literal '+' in query (send %20 or %2B): ${rawQuery}`)
  const params: { name: string; value: string }[] = []
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue
    const eq = piece.indexOf('=')
    params.push({
      name: percentDecode(eq === -1 ? piece : piece.slice(0, eq), 'query'),
      value: eq === -1 ? '' : percentDecode(piece.slice(eq + 1), 'query')
    })
  }
  const byCodeUnit = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1)
  params.sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.value, b.value))
  return params.map((p) => `${percentEncode(p.name)}=${percentEncode(p.value)}`).join('&')
}

/** Decodes %XX escapes byte by byte, then the bytes as strict UTF-8. */
function percentDecode(text: string, where: string): string {
  const bytes: number[] = []
  let i = 0
  while (i < text.length) {
    if (text[i] === '%') {
      const hex = text.slice(i + 1, i + 3)
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) reject(`bad percent-escape in ${where}: ${text}`)
      bytes.push(parseInt(hex, 16))
      i += 3
    } else {
      const char = String.fromCodePoint(text.codePointAt(i) ?? 0)
      bytes.push(...Buffer.from(char, 'utf8'))
      i += char.length
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes))
  } catch {
    return reject(`${where} is not UTF-8 once decoded: ${text}`)
  }
}

/** Escapes every UTF-8 byte except A-Z a-z 0-9 - _ . ~ as uppercase %XX. */
function percentEncode(text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}
