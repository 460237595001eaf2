// The two sign-in cookies. psm_session carries the session secret (HttpOnly: no script reads it);
// psm_csrf is derived from that secret and readable by the page, which echoes it in X-CSRF-Token
// on every change. A cross-site form cannot read the cookie, so it cannot send the header; a
// sibling subdomain that plants a psm_csrf cookie cannot make one that matches the session.
import { createHash, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'psm_session';
export const CSRF_COOKIE = 'psm_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Cookies of the request, first value wins (as browsers send the most specific path first). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const raw of (header ?? '').split(';')) {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name in cookies) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

export function csrfTokenFor(sessionSecret: string): string {
  return createHash('sha256').update(`csrf:${sessionSecret}`).digest('base64url');
}

/** Constant time, whatever the inputs' lengths. */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

interface CookieOptions {
  secure: boolean;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
  httpOnly: boolean;
}

function serialize(name: string, value: string, o: CookieOptions): string {
  return [
    `${name}=${value}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(o.maxAge))}`,
    'SameSite=Lax',
    ...(o.httpOnly ? ['HttpOnly'] : []),
    ...(o.secure ? ['Secure'] : []),
  ].join('; ');
}

/** Set-Cookie values that sign the browser in until `expiresAt`. */
export function sessionCookies(secret: string, expiresAt: Date, secure: boolean): string[] {
  const maxAge = (expiresAt.getTime() - Date.now()) / 1000;
  return [
    serialize(SESSION_COOKIE, secret, { secure, maxAge, httpOnly: true }),
    serialize(CSRF_COOKIE, csrfTokenFor(secret), { secure, maxAge, httpOnly: false }),
  ];
}

export function clearedCookies(secure: boolean): string[] {
  return [
    serialize(SESSION_COOKIE, '', { secure, maxAge: 0, httpOnly: true }),
    serialize(CSRF_COOKIE, '', { secure, maxAge: 0, httpOnly: false }),
  ];
}
