import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

// Tokens and link secrets never reach the logs: headers are redacted, and email-action URLs
// (whose path is the capability) are logged without the token.
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'psm' },
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}
