// Every Prometheus series the application exports is defined here, so names and labels live in
// one place. Labels are bounded sets only: route patterns, command names, error codes, statuses,
// milestones. Never an id, a raw URL or a token: those would be unbounded and, for email-action
// links, a capability.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PrismaClient } from '../db/prisma';
import { pendingMarkStats } from '../read-model/projection-marks';

/** Counters and histograms recorded as things happen, one set per process. */
export const processMetrics = new Registry();

export const httpRequestsTotal = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [processMetrics],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from the request to its answer, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processMetrics],
});

export const commandsTotal = new Counter({
  name: 'commands_total',
  help: 'Deal commands sent to the workflow, by command and outcome (ok or the error code)',
  labelNames: ['command', 'outcome'] as const,
  registers: [processMetrics],
});

export const projectionLagEvents = new Histogram({
  name: 'projection_lag_events',
  help:
    'When the API projects a command: events the read model was behind the workflow beyond the ' +
    "command's own (workflow seq minus read-model seq; 0 = it followed on)",
  buckets: [0, 1, 2, 5, 10, 50, 200],
  registers: [processMetrics],
});

export const mailDeliveriesTotal = new Counter({
  name: 'mail_deliveries_total',
  help: 'Delivery attempts of stored mail, by outcome (sent, already_sent, busy, failed, dead, error)',
  labelNames: ['outcome', 'possibly_duplicated'] as const,
  registers: [processMetrics],
});

let defaultMetrics = false;

/** Node process metrics (CPU, memory, event-loop lag, GC), once per process. */
function collectProcessMetrics(): void {
  if (defaultMetrics) return;
  defaultMetrics = true;
  collectDefaultMetrics({ register: processMetrics });
}

export function recordCommand(command: string, outcome: string): void {
  commandsTotal.inc({ command, outcome });
}

/** The outcome label of a failed command: its AppError code, or "error" when it has none. */
export function commandOutcome(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(code) ? code : 'error';
}

/** `readModelSeq` null: the read model held everything before this command. */
export function recordProjectionLag(expectedSeq: number, readModelSeq: number | null): void {
  projectionLagEvents.observe(readModelSeq === null ? 0 : Math.max(0, expectedSeq - readModelSeq));
}

export function recordMailDelivery(outcome: string, possiblyDuplicated = false): void {
  mailDeliveriesTotal.inc({ outcome, possibly_duplicated: String(possiblyDuplicated) });
}

const OUTBOX_STATUSES = ['pending', 'sending', 'failed', 'dead'] as const;

/**
 * The process's series plus gauges read from the database when scraped: outbox depth, open deals
 * (each has one wake-up timer) by status and milestone, unfinished projections. Three grouped
 * queries per scrape; a failed query leaves its gauge empty rather than failing the scrape.
 */
export function createMetricsRegistry(prisma: PrismaClient): Registry {
  collectProcessMetrics();
  const scraped = new Registry();
  new Gauge({
    name: 'outbox_messages',
    help: 'Stored mail not yet sent, by status (pending, sending, failed, dead)',
    labelNames: ['status'] as const,
    registers: [scraped],
    async collect() {
      this.reset();
      const rows = await prisma.$queryRaw<{ status: string; n: number }[]>`
        SELECT "status"::text AS "status", count(*)::int AS n FROM "EmailMessage"
        WHERE "status" <> 'sent' GROUP BY "status"`.catch(() => null);
      if (!rows) return;
      for (const status of OUTBOX_STATUSES) this.set({ status }, 0);
      for (const r of rows) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: 'deals_open',
    help: 'Open and on-hold deals (one wake-up timer each), by status, milestone and stalled',
    labelNames: ['status', 'milestone', 'stalled'] as const,
    registers: [scraped],
    async collect() {
      this.reset();
      const rows = await prisma.$queryRaw<
        { status: string; milestone: string; stalled: boolean; n: number }[]
      >`
        SELECT "status"::text AS "status", "milestone", "stalled", count(*)::int AS n FROM "Opportunity"
        WHERE "status" IN ('open', 'on_hold') GROUP BY 1, 2, 3`.catch(() => null);
      for (const r of rows ?? []) {
        this.set({ status: r.status, milestone: r.milestone, stalled: String(r.stalled) }, r.n);
      }
    },
  });
  // One query sets all three; the first gauge printed runs it, so none shows last scrape's value.
  const pending = new Gauge({
    name: 'projection_pending',
    help: 'Command projections not yet confirmed in the read model (the reconciler repairs old ones)',
    registers: [],
  });
  const deadLetters = new Gauge({
    name: 'projection_dead_letters',
    help: 'Events the read model refused (GET /api/admin/dead-letters lists them)',
    registers: [],
  });
  new Gauge({
    name: 'projection_oldest_pending_seconds',
    help: 'Age of the oldest unfinished command projection (0 when none)',
    registers: [scraped],
    async collect() {
      const [stats, dead] = await Promise.all([
        pendingMarkStats(prisma).catch(() => null),
        prisma.projectionDeadLetter.count().catch(() => null),
      ]);
      if (stats) {
        this.set((stats.oldestAgeMs ?? 0) / 1000);
        pending.set(stats.pending);
      }
      if (dead !== null) deadLetters.set(dead);
    },
  });
  scraped.registerMetric(pending);
  scraped.registerMetric(deadLetters);
  return Registry.merge([processMetrics, scraped]);
}
