// A stored mail holds live one-click links, and each link acts as its recipient. Anyone else who
// may read the mail (an admin, a manager reading their team's outbox) sees it with the tokens cut.

/** What a cut token reads as; following the cut link shows the "not valid" page. */
export const REDACTED_TOKEN = 'redacted';

// The path segment after /email-actions/ up to anything a token cannot contain. Matches the
// token in plain text, in an href, and in %2F-encoded forms a template or client might produce.
const ACTION_LINK_TOKEN = /(\/|%2F)email-actions(\/|%2F)[^\s"'<>&?#/]+/gi;

// Mailed sign-in, invitation and reset links (/auth/magic|invite|reset/<token>) sign their
// recipient in: just as live, so just as cut.
const AUTH_LINK_TOKEN = /(\/|%2F)auth(\/|%2F)(magic|invite|reset)(\/|%2F)[^\s"'<>&?#/]+/gi;

export function redactLinkTokens(content: string): string {
  return content
    .replace(ACTION_LINK_TOKEN, (_m, a: string, b: string) => `${a}email-actions${b}${REDACTED_TOKEN}`)
    .replace(
      AUTH_LINK_TOKEN,
      (_m, a: string, b: string, kind: string, c: string) => `${a}auth${b}${kind}${c}${REDACTED_TOKEN}`,
    );
}
