/** Keeps secrets out of logs and error messages: every known secret is replaced by `***`. */

export interface JiraLogger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short strings would blank out ordinary words; real tokens are long.
    if (secret && secret.length >= 6) {
      this.secrets.add(secret);
      this.secrets.add(encodeURIComponent(secret));
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
    return out;
  }

  /** The error with secrets removed from its message and stack (a copy when those are read-only). */
  scrub<E>(error: E): E {
    if (!(error instanceof Error)) return error;
    const message = this.redact(error.message);
    const stack = error.stack && this.redact(error.stack);
    if (message === error.message && stack === error.stack) return error;
    try {
      error.message = message;
      error.stack = stack;
      return error;
    } catch {
      // Some errors (a DOMException from an aborted fetch) have read-only properties.
      const copy = new Error(message);
      copy.name = error.name;
      copy.stack = stack;
      return copy as E;
    }
  }

  logger(inner: JiraLogger): JiraLogger {
    const wrap = (level: keyof JiraLogger) => (message: string, meta?: Record<string, unknown>) =>
      inner[level](this.redact(message), meta && JSON.parse(this.redact(JSON.stringify(meta))));
    return { info: wrap('info'), warn: wrap('warn'), error: wrap('error'), debug: wrap('debug') };
  }
}
