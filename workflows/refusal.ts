/**
 * Why a request to a process is refused, in terms the API turns into HTTP answers.
 * Kept free of Temporal imports so the process classes that throw it can be tested
 * without a server; the workflow turns a `Refusal` into an `ApplicationFailure`.
 */

/** Refusal types carried by ApplicationFailure; the API maps each to its HTTP status. */
export const REFUSAL = {
  forbidden: 'forbidden',
  conflict: 'conflict',
  exitCriteriaUnmet: 'exit_criteria_unmet',
  /** The request lacks something only the process can tell it needs; `details.field` names it. */
  invalidInput: 'invalid_input',
  /** The database will never accept the step (an invariant or a data error): retrying cannot help. */
  notRecordable: 'not_recordable',
} as const;
export type RefusalType = (typeof REFUSAL)[keyof typeof REFUSAL];

export class Refusal extends Error {
  constructor(
    readonly type: RefusalType,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}
