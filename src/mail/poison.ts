// What makes a mail poisonous: values PostgreSQL can never store. Retrying them only blocks the
// deal's later mails, so they are stripped where they are harmless and dead-lettered where not.

/** NUL is the one character PostgreSQL text cannot hold (22021); it carries no meaning in mail. */
export function stripNul(value: string): string {
  return value.includes('\u0000') ? value.split('\u0000').join('') : value;
}

/**
 * PostgreSQL's data exception class (SQLSTATE 22xxx: invalid byte sequence, value out of range,
 * invalid text representation, ...): the same statement with the same values fails every time.
 * Prisma's driver adapter nests the server's code under `cause` / `meta.driverAdapterError`.
 * Returns the code and the server's own message (never Prisma's, which may quote the query), or
 * undefined for any other error.
 */
export function dataError(error: unknown): { code: string; message: string } | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): { code: string; message: string } | undefined => {
    if (typeof e !== 'object' || e === null || seen.has(e) || depth > 6) return undefined;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ['originalCode', 'code', 'sqlState']) {
      const v = o[k];
      if (typeof v === 'string' && /^22[0-9A-Z]{3}$/.test(v)) {
        const message = typeof o.originalMessage === 'string' ? o.originalMessage : '';
        return { code: v, message: message.slice(0, 300) };
      }
    }
    for (const k of ['cause', 'meta', 'driverAdapterError', 'error']) {
      const found = visit(o[k], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}
