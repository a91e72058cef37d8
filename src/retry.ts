/** When and how long to wait before trying a request again. Pure functions. */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  /** Backoff for retry n is drawn from [0, min(maxDelayMs, baseDelayMs * 2^(n-1))). */
  baseDelayMs: number
  maxDelayMs: number
  /** The least wait after a 429 that has no Retry-After (the gateway docs say "a few seconds"). */
  throttleDelayMs: number
  /** A Retry-After longer than this is not waited for: the batch fails instead of stalling the job. */
  maxRetryAfterMs: number
}

export const DEFAULT_BACKOFF: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 1000,
  maxDelayMs: 20_000,
  throttleDelayMs: 2000,
  maxRetryAfterMs: 120_000
}

/** Statuses that say "try again later". 400, 401, 403 and 404 are never retried. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504])

/** What the attempt that just ended produced. */
export interface AttemptOutcome {
  /** 1 for the first attempt. */
  attempt: number
  /** The HTTP status, or undefined when no response arrived (network error or timeout). */
  status?: number
  /** Retry-After, already converted to milliseconds from now. */
  retryAfterMs?: number
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason?: string }

export function decideRetry(
  outcome: AttemptOutcome,
  policy: RetryPolicy,
  random: () => number
): RetryDecision {
  if (outcome.status !== undefined && !RETRYABLE_STATUSES.has(outcome.status))
    return { retry: false }
  if (outcome.attempt > policy.maxRetries) return { retry: false }
  if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > policy.maxRetryAfterMs) {
    return {
      retry: false,
      reason: `Retry-After asks for ${Math.ceil(outcome.retryAfterMs / 1000)} s, more than the ${policy.maxRetryAfterMs / 1000} s this action waits`
    }
  }
  // Full jitter spreads retries from concurrent batches (and other clients) apart.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (outcome.attempt - 1))
  const backoff = Math.floor(random() * ceiling)
  const floor = outcome.retryAfterMs ?? (outcome.status === 429 ? policy.throttleDelayMs : 0)
  return { retry: true, delayMs: Math.max(backoff, floor) }
}

/** Retry-After as delta-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  // Round up: the header has one-second resolution, and we must not come back early.
  return Math.max(0, Math.ceil((date - nowMs) / 1000) * 1000)
}
