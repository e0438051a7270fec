/**
 * Runs an inspection's transitions one at a time. Each transition previews its steps,
 * has an activity record them, and only then commits, so the hash chain is written
 * in order and the next request is checked against a state the database already
 * holds. Requests that arrive meanwhile wait their turn instead of being refused.
 */
export class StepWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(transition: () => Promise<T>): Promise<T> {
    this.pending++;
    const next = this.tail.then(transition).finally(() => {
      this.pending--;
    });
    // A failed transition answers its own caller; the queue goes on.
    this.tail = next.catch(() => undefined);
    return next;
  }

  get idle(): boolean {
    return this.pending === 0;
  }
}
