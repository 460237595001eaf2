import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The active span's ids on every line logged inside a traced request or activity (empty without tracing). */
function traceIds(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
}

// Tokens and link secrets never reach the logs: headers are redacted, and email-action URLs
// (whose path is the capability) are logged without the token.
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'psm' },
      mixin: traceIds,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'secret', '*.secret'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
