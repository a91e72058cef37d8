/**
 * A fake Huawei Cloud SMS endpoint on loopback, shared by the tests, `npm run demo`
 * and `npm run bench`. It validates requests as the API reference says (auth
 * header, body shape, 1–50 IDs of 1–36 characters), keeps a set of source servers,
 * records every request, and can inject scripted faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { verifySignature } from './verify-signature.js'

export interface FakeSourceServer {
  id: string
  name: string
  state: string
  connected: boolean
  add_date: number
}

export type Route = 'delete' | 'show' | 'list' | 'decode'

/** What the server does with one request instead of (or before) answering normally. */
export type Fault =
  /** Answer with this instead of the normal response. Nothing is deleted. */
  | { kind: 'respond'; status: number; headers?: Record<string, string>; body?: string }
  /** Destroy the connection without acting. */
  | { kind: 'reset' }
  /** Never answer. */
  | { kind: 'hang' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number }
  /** Act (delete), then destroy the connection: the client never learns it worked. */
  | { kind: 'drop-after-commit' }
  /** Send the status and then an endless body. */
  | { kind: 'endless-body'; status: number }

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  route: Route | 'unknown'
  headers: IncomingMessage['headers']
  body: string
  /** The request target as received (path and query, still encoded). */
  rawUrl: string
  /** For deletes: the IDs sent. */
  ids?: string[]
  /** Requests being handled when this one arrived, itself included. */
  inFlight: number
  /** performance.now() when it arrived, and when its response closed. */
  arrivedAt: number
  closedAt?: number
}

export interface FakeSmsOptions {
  /** Tokens accepted in X-Auth-Token. */
  tokens?: string[]
  /** Source servers held at the start (or their IDs). */
  servers?: (FakeSourceServer | string)[]
  /** A delete batch containing any of these IDs gets 403 SMS.9004. */
  denyIds?: string[]
  /** Added to every response. */
  latencyMs?: number
  /** Status for a delete batch naming an ID that does not exist (the real one is undocumented). */
  unknownIdStatus?: number
  /** Decides a fault per request; consulted after the scripted queue. */
  faultFor?: (request: RecordedRequest) => Fault | undefined
  /** Listing returns an empty page from this offset on, whatever `count` says. */
  emptyPagesFrom?: number
  /** AK/SK pairs accepted on signed requests (with the security token temporary ones need). */
  credentials?: FakeCredentials[]
  /** Whether the caller may decode authorization messages (sts::decodeAuthorizationMessage). */
  decode?: 'allow' | 'deny'
}

export interface FakeCredentials {
  accessKeyId: string
  secretAccessKey: string
  securityToken?: string
}

/** What the fake IAM returns for DENIAL_BODY's encoded message. */
export const DECODED_MESSAGE = JSON.stringify({
  allowed: false,
  explicitDeny: false,
  action: 'sms:server:delete',
  resource: 'sms:*:*:server:*',
  reason: 'No identity policy allows the action.'
})

export const FAKE_TOKEN = 'fake-token-3f9c2a7d'
export const DENIAL_BODY = {
  error_code: 'SMS.9004',
  error_msg:
    'The current account does not have the permission to execute policy. You do not have permission to perform action sms:server:delete on resource sms:*:*:server:*.',
  encoded_authorization_message: 'ENCODED-AUTHZ-MESSAGE-4b1d9e',
  error_param: [
    'You do not have permission to perform action sms:server:delete on resource sms:*:*:server:*.'
  ],
  details: [
    {
      error_code: 'SMS.9004',
      error_msg:
        'You do not have permission to perform action sms:server:delete on resource sms:*:*:server:*.'
    }
  ]
}

export class FakeSms {
  readonly servers = new Map<string, FakeSourceServer>()
  readonly requests: RecordedRequest[] = []
  private readonly scripted = new Map<Route, Fault[]>()
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly tokens: Set<string>
  private readonly denyIds: Set<string>
  private server?: Server
  private inFlight = 0
  url = ''

  constructor(private readonly options: FakeSmsOptions = {}) {
    this.tokens = new Set(options.tokens ?? [FAKE_TOKEN])
    this.denyIds = new Set(options.denyIds ?? [])
    for (const item of options.servers ?? []) this.addServer(item)
  }

  addServer(item: FakeSourceServer | string): void {
    const server =
      typeof item === 'string'
        ? { id: item, name: `server-${item}`, state: 'finished', connected: false, add_date: 0 }
        : item
    this.servers.set(server.id, server)
  }

  /** Queues faults for the next requests on a route, in order. */
  script(route: Route, ...faults: Fault[]): this {
    this.scripted.set(route, [...(this.scripted.get(route) ?? []), ...faults])
    return this
  }

  requestsTo(route: Route): RecordedRequest[] {
    return this.requests.filter((r) => r.route === route)
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.inFlight++
      res.on('close', () => this.inFlight--)
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          res
            .writeHead(500)
            .end(JSON.stringify({ error_code: 'FAKE.500', error_msg: String(error) }))
      })
    })
    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    this.url = `http://127.0.0.1:${port}`
    return this
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req)
    const body = rawBody.toString('utf8')
    const url = new URL(req.url ?? '/', 'http://fake')
    const request: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      route: routeOf(req.method ?? '', url.pathname),
      headers: req.headers,
      rawUrl: req.url ?? '/',
      body,
      inFlight: this.inFlight,
      arrivedAt: performance.now()
    }
    res.on('close', () => (request.closedAt = performance.now()))
    this.requests.push(request)
    if (request.route === 'delete') request.ids = idsOf(body)

    let fault = request.route === 'unknown' ? undefined : this.scripted.get(request.route)?.shift()
    fault ??= this.options.faultFor?.(request)
    if (this.options.latencyMs) await this.wait(this.options.latencyMs)
    if (fault?.kind === 'delay') await this.wait(fault.ms)

    switch (fault?.kind) {
      case 'respond':
        res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers })
        res.end(fault.body ?? '')
        return
      case 'reset':
        req.socket.destroy()
        return
      case 'hang':
        return
      case 'endless-body':
        return this.endless(res, fault.status)
    }

    const answer = this.answer(request, rawBody)
    if (fault?.kind === 'drop-after-commit') {
      req.socket.destroy()
      return
    }
    res.writeHead(answer.status, {
      'Content-Type': 'application/json',
      'X-Request-Id': `req-${this.requests.length}`,
      ...answer.headers
    })
    res.end(answer.body)
  }

  /** The normal answer; applies the request's effect (a delete removes the servers). */
  private answer(
    request: RecordedRequest,
    rawBody: Buffer
  ): { status: number; body: string; headers?: Record<string, string> } {
    if (request.route === 'unknown') {
      return error(
        404,
        'APIGW.0101',
        'The API does not exist or has not been published in the environment.'
      )
    }
    const authFailure = this.authenticate(request, rawBody)
    if (authFailure)
      return error(401, 'APIGW.0301', `Incorrect IAM authentication information: ${authFailure}`)
    if (request.route === 'show') {
      const id = decodeURIComponent(request.path.slice('/v3/sources/'.length))
      const server = this.servers.get(id)
      return server
        ? { status: 200, body: JSON.stringify(server) }
        : error(404, 'FAKE.0404', `Source server ${id} does not exist.`)
    }
    if (request.route === 'list') return this.list(request.query)
    if (request.route === 'decode') return this.decode(request.body)

    const contentType = request.headers['content-type'] ?? ''
    if (!contentType.startsWith('application/json'))
      return error(400, 'FAKE.0400', `Content-Type ${contentType} is not JSON.`)
    const ids = request.ids
    if (
      !ids ||
      ids.length < 1 ||
      ids.length > 50 ||
      ids.some((id) => id.length < 1 || id.length > 36)
    ) {
      return error(
        400,
        'FAKE.0400',
        'The body must be {"ids": [1 to 50 strings of 1 to 36 characters]}.'
      )
    }
    if (ids.some((id) => this.denyIds.has(id))) {
      return {
        status: 403,
        body: JSON.stringify(DENIAL_BODY),
        headers: { 'X-Request-Id': 'denied-request-7e1f' }
      }
    }
    const unknown = ids.filter((id) => !this.servers.has(id))
    if (unknown.length > 0) {
      // Whole batch fails, nothing deleted: the safe reading of an undocumented case.
      return error(
        this.options.unknownIdStatus ?? 400,
        'FAKE.0404',
        `Source servers not found: ${unknown.join(', ')}`
      )
    }
    for (const id of ids) this.servers.delete(id)
    return { status: 200, body: '{ }' }
  }

  /** Why the request is not authenticated, or undefined when it is. */
  private authenticate(request: RecordedRequest, rawBody: Buffer): string | undefined {
    if (request.headers.authorization === undefined) {
      const token = request.headers['x-auth-token']
      return typeof token === 'string' && this.tokens.has(token)
        ? undefined
        : 'verify token failed.'
    }
    const credentials = new Map((this.options.credentials ?? []).map((c) => [c.accessKeyId, c]))
    const result = verifySignature(
      { method: request.method, rawPath: request.rawUrl, headers: request.headers, body: rawBody },
      (accessKeyId) => credentials.get(accessKeyId)?.secretAccessKey,
      new Date()
    )
    if (!result.ok) return result.reason
    const expectedToken = credentials.get(result.accessKeyId)?.securityToken
    if (expectedToken !== undefined && result.securityToken !== expectedToken) {
      return 'temporary credentials need a valid X-Security-Token.'
    }
    return undefined
  }

  private decode(body: string): { status: number; body: string } {
    if (this.options.decode === 'deny') {
      return error(
        403,
        'IAM.0003',
        "Policy doesn't allow sts::decodeAuthorizationMessage to be performed."
      )
    }
    const encoded = (JSON.parse(body || '{}') as { encoded_message?: unknown }).encoded_message
    if (encoded !== DENIAL_BODY.encoded_authorization_message) {
      return error(400, 'IAM.0001', 'The encoded message is invalid.')
    }
    return { status: 200, body: JSON.stringify({ decoded_message: DECODED_MESSAGE }) }
  }

  private list(query: URLSearchParams): { status: number; body: string } {
    const limit = Number(query.get('limit') ?? '200') || 200
    const offset = Number(query.get('offset') ?? '0')
    const all = [...this.servers.values()]
    const page =
      this.options.emptyPagesFrom !== undefined && offset >= this.options.emptyPagesFrom
        ? []
        : all.slice(offset, offset + Math.min(limit, 200))
    return { status: 200, body: JSON.stringify({ count: all.length, source_servers: page }) }
  }

  private endless(res: ServerResponse, status: number): void {
    res.writeHead(status, { 'Content-Type': 'text/html' })
    const chunk = '<p>' + 'x'.repeat(16 * 1024) + '</p>\n'
    const write = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', write)
    }
    write()
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
  }
}

function routeOf(method: string, path: string): Route | 'unknown' {
  if (method === 'POST' && path === '/v3/sources/delete') return 'delete'
  if (method === 'GET' && path === '/v3/sources') return 'list'
  if (method === 'GET' && /^\/v3\/sources\/[^/]+$/.test(path)) return 'show'
  if (method === 'POST' && path === '/v5/decode-authorization-message') return 'decode'
  return 'unknown'
}

function idsOf(body: string): string[] | undefined {
  try {
    const parsed = JSON.parse(body) as { ids?: unknown }
    const ids = parsed.ids
    return Array.isArray(ids) && ids.every((id): id is string => typeof id === 'string')
      ? ids
      : undefined
  } catch {
    return undefined
  }
}

function error(status: number, code: string, message: string): { status: number; body: string } {
  return {
    status,
    body: JSON.stringify({ error_code: code, error_msg: message, request_id: `fake-${code}` })
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** N distinct, valid, UUID-shaped IDs. */
export function sampleIds(count: number, prefix = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = (prefix * 100000 + i).toString(16).padStart(12, '0')
    return `5f13089f-799f-4f33-b3e1-${n}`
  })
}
