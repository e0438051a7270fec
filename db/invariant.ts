/**
 * A state the code assumes can never happen was found in the database. Retrying
 * cannot fix it, so activities report it as non-retryable (by this error's name)
 * and the request that met it fails loudly instead of waiting for ever.
 */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}
