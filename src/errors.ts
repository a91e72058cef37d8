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
