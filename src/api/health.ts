// GET /health: each part's status; 200 only when all are healthy, so a load balancer can use it.
// Anyone sees the overall status and which part is up or down; only an authenticated admin sees
// timings and error texts (they name hosts, ports and queues).
import type { Request, RequestHandler } from 'express';

export type HealthCheck = () => Promise<void>;

export interface HealthReport {
  status: 'ok' | 'degraded';
  parts: Record<string, { status: 'ok' | 'down'; error?: string; ms?: number }>;
}

async function timed(
  check: HealthCheck,
  timeoutMs: number,
): Promise<{ status: 'ok' | 'down'; error?: string; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', ms: Date.now() - started };
  } catch (err) {
    return {
      status: 'down',
      error: err instanceof Error ? err.message : String(err),
      ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(
  checks: Record<string, HealthCheck>,
  timeoutMs = 3000,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, c]) => [name, await timed(c, timeoutMs)] as const),
  );
  const parts = Object.fromEntries(entries);
  return { status: entries.every(([, p]) => p.status === 'ok') ? 'ok' : 'degraded', parts };
}

/** What an unauthenticated caller may know: overall status and each part's up/down. */
export function publicHealth(report: HealthReport): HealthReport {
  return {
    status: report.status,
    parts: Object.fromEntries(
      Object.entries(report.parts).map(([name, p]) => [name, { status: p.status }]),
    ) as HealthReport['parts'],
  };
}

export function healthHandler(
  checks: Record<string, HealthCheck>,
  options: { showDetails?: (req: Request) => Promise<boolean> } = {},
): RequestHandler {
  return async (req, res) => {
    const [report, details] = await Promise.all([
      checkHealth(checks),
      options.showDetails?.(req).catch(() => false) ?? false,
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.status(report.status === 'ok' ? 200 : 503).json(details ? report : publicHealth(report));
  };
}
