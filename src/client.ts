import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http'
import * as core from '@actions/core'
import { HttpClient, type HttpClientResponse } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { isSuccessStatus, parseApiError } from './api-error.js'
import { decideRetry, parseRetryAfter, type RetryPolicy } from './retry.js'
import { USER_AGENT } from './version.js'

/** Error bodies are read up to this size; the rest is discarded. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8'

export interface HttpResponseData {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** The body was longer than the read limit and was cut there. */
  truncated: boolean
}

/** A request that produced no HTTP response: a network error or a timeout. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError'
  constructor(
    message: string,
    /** False only when the connection was never made, so the server cannot have acted. */
    readonly mayHaveReachedServer: boolean,
    readonly timedOut: boolean
  ) {
    super(message)
  }
}

/** The request as an authorizer sees it, to add credentials (a token, or a signature over all of it). */
export interface OutgoingRequest {
  method: string
  url: string
  contentType?: string
  body: string
}
export type RequestAuthorizer = (request: OutgoingRequest) => Record<string, string>

/** The end result of a call after any retries. Exactly one of response and networkError is set. */
export interface CallResult {
  response?: HttpResponseData
  networkError?: NetworkError
  attempts: number
  /** Some attempt may have reached the server and acted, even if we never saw its answer. */
  mayHaveReachedServer: boolean
  /** Why we stopped retrying early, if we did. */
  gaveUpReason?: string
}

export interface ClientOptions {
  authorize: RequestAuthorizer
  timeoutMs: number
  retry: RetryPolicy
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => number
}

export interface CallOptions {
  /** Names the call in logs: "batch 3", "check of abc". */
  label: string
  /** Receives one line per retry. */
  log: (line: string) => void
  body?: string
  /** Limit for a 2xx body; error bodies always stop at MAX_ERROR_BODY_BYTES. */
  maxBodyBytes?: number
}

/** The one module that speaks HTTP to the cloud: timeouts, bounded reads, retries. */
export class ApiClient {
  /** Retries made by this client, over all calls. */
  retries = 0

  constructor(
    private readonly baseUrl: string,
    private readonly options: ClientOptions
  ) {}

  async call(method: string, path: string, callOptions: CallOptions): Promise<CallResult> {
    const { retry, sleep, random, now } = this.options
    let mayHaveReachedServer = false
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponseData | undefined
      let networkError: NetworkError | undefined
      try {
        response = await this.attemptOnce(method, path, callOptions)
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error
        networkError = error
      }
      // A 5xx or 408 may come after the backend acted; only a gateway's 429 certainly did not.
      if (
        networkError?.mayHaveReachedServer ||
        (response && (response.status >= 500 || response.status === 408))
      ) {
        mayHaveReachedServer = true
      }
      const decision = decideRetry(
        {
          attempt,
          status: response?.status,
          retryAfterMs: parseRetryAfter(headerValue(response?.headers['retry-after']), now())
        },
        retry,
        random
      )
      if (!decision.retry) {
        return {
          response,
          networkError,
          attempts: attempt,
          mayHaveReachedServer,
          gaveUpReason: decision.reason
        }
      }
      this.retries++
      const cause = response ? describeResponse(response) : networkError?.message
      callOptions.log(
        `${callOptions.label}: attempt ${attempt} of ${retry.maxRetries + 1} failed (${cause}); retrying in ${(decision.delayMs / 1000).toFixed(1)} s`
      )
      await sleep(decision.delayMs)
    }
  }

  private async attemptOnce(
    method: string,
    path: string,
    callOptions: CallOptions
  ): Promise<HttpResponseData> {
    const url = `${this.baseUrl}${path}`
    const body = callOptions.body ?? ''
    const contentType = callOptions.body === undefined ? undefined : JSON_CONTENT_TYPE
    // Authorize every attempt afresh: a signature carries its own timestamp.
    const headers: Record<string, string> = {
      ...(contentType ? { 'Content-Type': contentType } : {}),
      Accept: 'application/json',
      ...this.options.authorize({ method, url, contentType, body })
    }
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs)
    const http = new HttpClient(USER_AGENT, [abortWith(controller.signal)], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: false,
      socketTimeout: this.options.timeoutMs
    })
    try {
      const response: HttpClientResponse = await http.request(
        method,
        url,
        callOptions.body ?? null,
        headers
      )
      const status = response.message.statusCode ?? 0
      const limit = isSuccessStatus(status)
        ? (callOptions.maxBodyBytes ?? MAX_ERROR_BODY_BYTES)
        : MAX_ERROR_BODY_BYTES
      const { text, truncated } = await readBounded(response.message, limit)
      // Never log headers: they carry the credentials.
      core.debug(
        `${method} ${url} -> HTTP ${status}, ${text.length} characters${truncated ? ' (truncated)' : ''}`
      )
      return { status, headers: response.message.headers, body: text, truncated }
    } catch (error) {
      const networkError = toNetworkError(error, controller.signal.aborted, this.options.timeoutMs)
      core.debug(`${method} ${url} -> ${networkError.message}`)
      throw networkError
    } finally {
      clearTimeout(timer)
      // Make sure nothing of this attempt stays open: a hung socket must not keep the job alive.
      controller.abort()
      http.dispose()
    }
  }
}

/** Lets the per-attempt deadline abort the request at any stage: connect, headers or body. */
function abortWith(signal: AbortSignal): RequestHandler {
  return {
    prepareRequest: (options: RequestOptions) => {
      options.signal = signal
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
  }
}

/** Reads at most `limit` bytes, then drops the connection, so an endless body cannot exhaust memory. */
export async function readBounded(
  message: IncomingMessage,
  limit: number
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of message as AsyncIterable<Buffer>) {
    const room = limit - size
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room))
      message.destroy()
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true }
    }
    chunks.push(chunk)
    size += chunk.length
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false }
}

const NEVER_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH'
])

function toNetworkError(error: unknown, timedOut: boolean, timeoutMs: number): NetworkError {
  if (timedOut) return new NetworkError(`timed out after ${timeoutMs / 1000} s`, true, true)
  const code = (error as NodeJS.ErrnoException).code
  const message = error instanceof Error ? error.message : String(error)
  if (/^Request timeout/.test(message))
    return new NetworkError(`timed out after ${timeoutMs / 1000} s`, true, true)
  const connected = code === undefined || !NEVER_CONNECTED.has(code)
  return new NetworkError(
    code && !message.includes(code) ? `${code}: ${message}` : message,
    connected,
    false
  )
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** "HTTP 429 APIGW.0308" for a retry log line. */
function describeResponse(response: HttpResponseData): string {
  const { errorCode } = parseApiError(response.status, response.body)
  return errorCode === `HTTP_${response.status}`
    ? `HTTP ${response.status}`
    : `HTTP ${response.status} ${errorCode}`
}
