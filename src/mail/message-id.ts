import { createHash } from 'node:crypto';

/** Same key, same Message-ID: a resend after a crash is recognisably the same message. */
export function messageIdFor(key: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<psm.${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}
