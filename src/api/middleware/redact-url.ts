// What of a URL may reach a log. Routing is case-insensitive, so redaction is too: whatever path
// the email-actions or mailed-link routers would answer, its token segment is dropped; query values that could
// be credentials are dropped, whatever their key's case.
// Mailed sign-in, invitation and reset links (/auth/magic|invite|reset/<token>) are credentials too.
const CAPABILITY_PATH = /(\/(?:email-actions|auth\/(?:magic|invite|reset))\/)[^/?#]*/gi;
const SECRET_QUERY_KEY = /token|key|secret|sig|pass|auth|bearer|code/i;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(CAPABILITY_PATH, '$1[token]');
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq === -1 ? pair : pair.slice(0, eq);
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey);
      } catch {
        // a malformed escape: judge the raw key
      }
      const value = eq === -1 ? '' : pair.slice(eq + 1);
      const secret = SECRET_QUERY_KEY.test(key) || /^psm_/i.test(value) || value.length > 64;
      return eq === -1 ? pair : `${rawKey}=${secret ? '[redacted]' : value}`;
    })
    .join('&');
  return `${path}?${query}`;
}
