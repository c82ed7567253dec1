/**
 * The one error class for mistakes a user can make in configuration. Thrown only
 * at start-up; the message says what is wrong, where it came from and how to fix it.
 */
export class TeracronConfigError extends Error {
  override readonly name = 'TeracronConfigError';
}
