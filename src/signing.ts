/**
 * Huawei Cloud APIG "SDK-HMAC-SHA256" request signing (AK/SK), with node:crypto only.
 *
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
 * StringToSign     = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(CanonicalRequest))
 * Signature        = hex(hmac_sha256(SK, StringToSign))
 *
 * Checked against @huaweicloud/huaweicloud-sdk-core's AKSKSigner in __tests__/signing.test.ts.
 */
import { createHash, createHmac } from 'node:crypto'

export interface AkSkCredentials {
  accessKeyId: string
  secretAccessKey: string
  /** Temporary credentials only; sent (and signed) as X-Security-Token. */
  securityToken?: string
  /** Account ID; sent (and signed) as X-Domain-Id, which global services may ask for. */
  domainId?: string
}

export interface RequestToSign {
  method: string
  /** Absolute URL, may include a query. Send exactly this URL. */
  url: string
  contentType?: string
  /** The exact body sent, UTF-8; '' for none. */
  body: string
}

const ALGORITHM = 'SDK-HMAC-SHA256'

/** YYYYMMDDTHHMMSSZ in UTC */
export function formatSdkDate(date: Date): string {
  // 2024-01-02T03:04:05.678Z -> 20240102T030405Z
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/**
 * Returns the headers to add to the request: Host and Content-Type (as signed), X-Sdk-Date,
 * Authorization, and X-Security-Token / X-Domain-Id when those credentials are set.
 */
export function signRequest(
  request: RequestToSign,
  credentials: AkSkCredentials,
  date: Date
): Record<string, string> {
  const sdkDate = formatSdkDate(date)
  const headers: Record<string, string> = {}
  if (request.contentType) headers['Content-Type'] = request.contentType
  // URL.host omits the default port, as the Host header the HTTP client sends does.
  headers['Host'] = new URL(request.url).host
  headers['X-Sdk-Date'] = sdkDate
  if (credentials.securityToken) headers['X-Security-Token'] = credentials.securityToken
  if (credentials.domainId) headers['X-Domain-Id'] = credentials.domainId

  const signedNames = signedHeaderNames(headers)
  const canonical = canonicalRequest(request, headers)
  const signature = createHmac('sha256', credentials.secretAccessKey)
    .update(stringToSign(canonical, sdkDate), 'utf8')
    .digest('hex')
  headers['Authorization'] =
    `${ALGORITHM} Access=${credentials.accessKeyId}, ` +
    `SignedHeaders=${signedNames}, Signature=${signature}`
  return headers
}

/** The canonical request text; `signedHeaders` are all the headers the signature covers. */
export function canonicalRequest(
  request: RequestToSign,
  signedHeaders: Record<string, string>
): string {
  const url = new URL(request.url)
  const headerLines = sortedHeaders(signedHeaders)
    .map(([name, value]) => `${name}:${value}\n`)
    .join('')
  return [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    headerLines,
    signedHeaderNames(signedHeaders),
    sha256Hex(request.body)
  ].join('\n')
}

export function stringToSign(canonical: string, sdkDate: string): string {
  return [ALGORITHM, sdkDate, sha256Hex(canonical)].join('\n')
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Leaves only A-Za-z0-9-_.~ unescaped, %XX uppercase, %20 for space. */
function encode(text: string): string {
  // encodeURIComponent also leaves !'()* alone; the signature wants them escaped.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function decode(text: string, where: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    // The server could not decode it either: fail here rather than earn a 401.
    throw new Error(`Cannot sign a URL with malformed percent-encoding in its ${where}: ${text}`)
  }
}

/**
 * The server decodes the path it receives and re-encodes each segment, so decode first: the
 * WHATWG URL has already turned a space into %20, which must not become %2520. Like the Python
 * and Go signers, decode the whole path before splitting on '/'.
 */
function canonicalUri(pathname: string): string {
  const path = decode(pathname, 'path').split('/').map(encode).join('/')
  // Signed with a trailing slash even though it is sent without one.
  return path.endsWith('/') ? path : `${path}/`
}

/** Sorted by decoded key, then value (as the SDK does); `k` without '=' signs as `k=`. */
function canonicalQuery(search: string): string {
  const query = search.replace(/^\?/, '')
  if (query.includes('+')) {
    // '+' means a space to some servers and a plus to others; a wrong guess costs a 401.
    throw new Error(`Cannot sign a query with a literal '+'; send %20 or %2B: ${search}`)
  }
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part): [string, string] => {
      const eq = part.indexOf('=')
      const key = eq === -1 ? part : part.slice(0, eq)
      const value = eq === -1 ? '' : part.slice(eq + 1)
      return [decode(key, 'query'), decode(value, 'query')]
    })
  pairs.sort(([ka, va], [kb, vb]) => compare(ka, kb) || compare(va, vb))
  return pairs.map(([key, value]) => `${encode(key)}=${encode(value)}`).join('&')
}

/** Plain UTF-16 code unit order, like Array.prototype.sort() in the SDK (not localeCompare). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sortedHeaders(headers: Record<string, string>): [string, string][] {
  return Object.entries(headers)
    .map(([name, value]): [string, string] => [name.toLowerCase(), value.trim()])
    .sort(([a], [b]) => compare(a, b))
}

function signedHeaderNames(headers: Record<string, string>): string {
  return sortedHeaders(headers)
    .map(([name]) => name)
    .join(';')
}
