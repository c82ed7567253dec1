/**
 * Which running app a wrapped method call belongs to. Our wrappers live on prototypes, which two
 * Nest apps in one process may share, so each call looks up the newest running app that discovered
 * the instance's class. With none (the option is off, or the app has closed) the method runs as written.
 */
export class ClassClaims<T> {
  private readonly claims: Array<{ prototypes: ReadonlySet<object>; value: T }> = [];

  /** Returns the release function (call it when the app shuts down). */
  claim(prototypes: Iterable<object>, value: T): () => void {
    const entry = { prototypes: new Set(prototypes), value };
    this.claims.push(entry);
    return () => {
      const index = this.claims.indexOf(entry);
      if (index >= 0) this.claims.splice(index, 1);
    };
  }

  find(instance: unknown): T | undefined {
    if (instance === null || (typeof instance !== 'object' && typeof instance !== 'function')) return undefined;
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (!prototype) return undefined;
    for (let i = this.claims.length - 1; i >= 0; i--) {
      const entry = this.claims[i]!;
      if (entry.prototypes.has(prototype)) return entry.value;
    }
    return undefined;
  }
}
