/**
 * Promises that resolve once a condition holds, checked when notified (after every request) and
 * every 25 ms; each bounded by a timeout whose message says what was seen. Tests await the ingest
 * with these instead of sleeping.
 */
export class ConditionWaiters {
  private readonly waiters = new Set<() => void>();

  wait(predicate: () => boolean, timeoutMs: number, describeTimeout: () => string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        let done = false;
        try {
          done = predicate();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (done) {
          cleanup();
          resolve();
        }
      };
      const poll = setInterval(check, 25);
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(describeTimeout()));
      }, timeoutMs);
      const cleanup = () => {
        clearInterval(poll);
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
