import type { ApiErrorDetails } from './api-error.js'

/**
 * An input (or a combination of inputs) that we reject before sending anything.
 * The message always names the input and the bad value, so the top-level catch
 * can print it as is, without a stack trace.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
  constructor(message: string) {
    super(message)
  }
}

/** Quotes a user-supplied value for an error message, shortening very long ones. */
export function quoteValue(value: unknown, maxLength = 80): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value))
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}

/** A failure we expected could happen (the API refused, the listing broke): its message is shown as is. */
export class ActionError extends Error {
  override readonly name: string = 'ActionError'
}

/** A 401/403 that stopped the run: while listing, or at a batch. */
export class DeniedError extends ActionError {
  override readonly name = 'DeniedError'
  constructor(
    message: string,
    readonly denial: ApiErrorDetails,
    /** The batch that was denied; undefined when the listing was. */
    readonly batch?: number
  ) {
    super(message)
  }
}
