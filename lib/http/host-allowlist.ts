/** The `propagateTo` rule: an exact host, a `.suffix` domain (the domain and its subdomains), or a RegExp. */
export class HostAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly patterns: RegExp[] = [];
  private readonly all: boolean;

  constructor(entries: Array<string | RegExp> | undefined) {
    this.all = entries === undefined;
    for (const entry of entries ?? []) {
      if (entry instanceof RegExp) this.patterns.push(entry);
      else if (entry.startsWith('.')) this.suffixes.push(entry.toLowerCase());
      else this.exact.add(entry.toLowerCase());
    }
  }

  allows(host: string): boolean {
    if (this.all) return true;
    const name = host.toLowerCase();
    if (this.exact.has(name)) return true;
    for (const suffix of this.suffixes) if (name.endsWith(suffix) || name === suffix.slice(1)) return true;
    for (const pattern of this.patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(name)) return true;
    }
    return false;
  }
}
