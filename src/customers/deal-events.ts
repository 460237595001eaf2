// Deal events reach the deal's account (issue 11): opening a deal moves the account to intent, a
// standard sales action logged on the deal resets the claim clock, milestones, loss and reopening
// keep its protection from lapse right, winning makes it an order customer, a finished handover an
// active one. The trigger of the account_deal_events migration queues each such OpportunityEvent
// in AccountDealEvent inside the very transaction that projects it (the API's projection, the
// workflow's own, the reconciler's), so no path can project an event and forget the account.
// Here each queued row is sent as the account workflow's Update with a request id derived from the
// deal and the event's seq: a resend (this process died after the Update, a second sweeper) is
// answered from the account's memory and journals nothing twice. Rows are leased (SKIP LOCKED) so
// processes share the work; a refused command is recorded and not retried (it would be refused
// again); an unreachable Temporal keeps the row for the next pass.
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../db/prisma';
import type { Logger } from '../logger';
import { toAppError } from '../temporal/errors';
import { PSM_PROCESS } from '../../workflows/psm-process';
import type { AccountCommandInputs, AccountCommandName } from '../../workflows/account-types';
import type { Actor } from '../../workflows/opportunity-types';
import { sendAccountCommand, storedAccountReader, type AccountCommandTarget } from './claims-client';

export interface DealEventDeliveryDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** How long a leased row is ours before another process may take it (default 60 s). */
  leaseMs?: number;
}

export interface DealEventDelivery {
  /** One pass over what is due (optionally only one deal's rows); resolves with how many it settled. */
  deliverPending(opts?: { opportunityId?: string; limit?: number }): Promise<number>;
  /**
   * Delivers now in the background (after a projection landed); never rejects. With the projected
   * event types, a projection that queued nothing (none of QUEUED_DEAL_EVENT_TYPES: a checklist
   * tick, a stakeholder) sends no query: the sweeper still passes over anything left from before.
   */
  kick(opportunityId: string, projectedTypes?: readonly string[]): void;
  /**
   * Shutdown: waits up to `boundMs` for the kicks in flight. Not longer: with no worker polling
   * (an API-only process whose workers are gone) a kick's Update does not complete, and what is
   * left is leased for a while and then the sweeper's.
   */
  drain(boundMs: number): Promise<void>;
  /** Sweeps every `intervalMs` until stopped. */
  start(intervalMs: number): { stop(): Promise<void> };
}

interface QueuedRow {
  opportunityId: string;
  seq: number;
  accountId: string;
  type: string;
  actorId: string | null;
  payload: Record<string, unknown>;
  ownerId: string;
  milestoneIndex: number;
  role: string | null;
}

type Outgoing = {
  [N in AccountCommandName]: { name: N; input: AccountCommandInputs[N] };
}[AccountCommandName];

/**
 * The OpportunityEvent types the opportunity_event_to_account trigger queues (its IF ... NOT IN
 * list); test/api/accounts-deal-events.test.ts checks the two agree.
 */
export const QUEUED_DEAL_EVENT_TYPES: ReadonlySet<string> = new Set([
  'created',
  'activity_logged',
  'milestone_reached',
  'won',
  'lost',
  'reopened',
  'handover_accepted',
  'execution_completed',
]);

const SALES_ACTIONS: readonly string[] = PSM_PROCESS.customerFunnel.salesActionTypes;
const ROLES = new Set(['rep', 'manager', 'director', 'admin']);
const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_LIMIT = 100;

/** The request id of the account command a deal event becomes: the same for every resend. */
export const dealEventRequestId = (opportunityId: string, seq: number): string =>
  `deal-event:${opportunityId}:${seq}`;

/** The account command a queued deal event becomes, or null when the account has nothing to hear. */
export function accountCommandFor(row: QueuedRow): Outgoing | null {
  const userId = row.actorId ?? row.ownerId;
  const role = (row.role !== null && ROLES.has(row.role) ? row.role : 'rep') as Actor['role'];
  const base = { requestId: dealEventRequestId(row.opportunityId, row.seq), actor: { userId, role } };
  const opportunityId = row.opportunityId;
  switch (row.type) {
    case 'created':
      return { name: 'dealOpened', input: { ...base, opportunityId } };
    case 'activity_logged': {
      const kind = row.payload.kind;
      if (typeof kind !== 'string' || !SALES_ACTIONS.includes(kind)) return null;
      return { name: 'logSalesAction', input: { ...base, kind, opportunityId } };
    }
    case 'milestone_reached': {
      const index = row.payload.milestoneIndex;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return null;
      return { name: 'dealProgressed', input: { ...base, opportunityId, milestoneIndex: index, open: true } };
    }
    case 'lost':
    case 'reopened':
      return {
        name: 'dealProgressed',
        input: { ...base, opportunityId, milestoneIndex: row.milestoneIndex, open: row.type === 'reopened' },
      };
    case 'won':
      return { name: 'dealWon', input: { ...base, opportunityId } };
    case 'handover_accepted':
    case 'execution_completed':
      return { name: 'handoverFinished', input: { ...base, opportunityId } };
    default:
      return null;
  }
}

/** Temporal unreachable or slow: worth another pass. A refusal or a bad row is not. */
const RETRYABLE = new Set(['SERVICE_UNAVAILABLE', 'TEMPORAL_UNAVAILABLE', 'INTERNAL']);

export function createDealEventDelivery(deps: DealEventDeliveryDeps): DealEventDelivery {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  // An account the link trigger made (held by the deal's owner, at intent) has no workflow yet: it
  // starts with that owner and step.
  const target: AccountCommandTarget = {
    client: deps.client,
    taskQueue: deps.taskQueue,
    stored: storedAccountReader(deps.prisma),
  };
  const kicked = new Map<string, Promise<unknown>>();

  const lease = (opts: { opportunityId?: string; limit: number }) =>
    deps.prisma.$queryRaw<QueuedRow[]>`
      WITH leased AS (
        UPDATE "AccountDealEvent" AS q
        SET "claimedUntil" = CURRENT_TIMESTAMP + make_interval(secs => ${leaseMs / 1000}),
            attempts = q.attempts + 1
        WHERE ("opportunityId", seq) IN (
          SELECT "opportunityId", seq FROM "AccountDealEvent"
          WHERE "deliveredAt" IS NULL
            AND ("claimedUntil" IS NULL OR "claimedUntil" < CURRENT_TIMESTAMP)
            AND (${opts.opportunityId ?? null}::text IS NULL OR "opportunityId" = ${opts.opportunityId ?? null}::text)
          ORDER BY "queuedAt", seq
          LIMIT ${opts.limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING q."opportunityId", q.seq, q."accountId", q.type
      )
      SELECT l."opportunityId", l.seq, l."accountId", l.type, e."actorId"::text AS "actorId",
        e.payload, o."ownerId"::text AS "ownerId", o."milestoneIndex", u.role::text AS role
      FROM leased AS l
      JOIN "OpportunityEvent" AS e ON e."opportunityId" = l."opportunityId" AND e.seq = l.seq
      JOIN "Opportunity" AS o ON o.id = l."opportunityId"
      LEFT JOIN "User" AS u ON u.id = COALESCE(e."actorId", o."ownerId")
      ORDER BY l."opportunityId", l.seq`;

  const settle = (row: QueuedRow, outcome: string) =>
    deps.prisma.$executeRaw`
      UPDATE "AccountDealEvent" SET "deliveredAt" = CURRENT_TIMESTAMP, outcome = ${outcome}, "claimedUntil" = NULL
      WHERE "opportunityId" = ${row.opportunityId} AND seq = ${row.seq}`;

  const release = (row: QueuedRow) =>
    deps.prisma.$executeRaw`
      UPDATE "AccountDealEvent" SET "claimedUntil" = NULL
      WHERE "opportunityId" = ${row.opportunityId} AND seq = ${row.seq}`;

  /**
   * One account's Updates go one at a time from this process: an account with many deals would
   * otherwise hold many Updates in flight on its one workflow, past the server's per-workflow limit.
   */
  const accountTails = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(accountId: string, run: () => Promise<T>): Promise<T> => {
    const previous = accountTails.get(accountId) ?? Promise.resolve();
    const next = previous.then(run, run);
    const tail = next.catch(() => undefined);
    accountTails.set(accountId, tail);
    void tail.then(() => {
      if (accountTails.get(accountId) === tail) accountTails.delete(accountId);
    });
    return next;
  };

  /** Delivers one deal's rows in seq order; stops at the first that must wait for another pass. */
  const deliverDeal = async (rows: QueuedRow[]): Promise<number> => {
    let settled = 0;
    for (const [i, row] of rows.entries()) {
      const command = accountCommandFor(row);
      if (command === null) {
        await settle(row, 'skipped');
        settled++;
        continue;
      }
      try {
        const result = await sendAccountCommand(target, row.accountId, command.name, command.input as never);
        await settle(row, result.unchanged ? 'unchanged' : 'sent');
        settled++;
      } catch (err) {
        const appError = toAppError(err);
        if (RETRYABLE.has(appError.code)) {
          deps.logger?.warn(
            { err, opportunityId: row.opportunityId, seq: row.seq },
            'a deal event did not reach its account; next pass',
          );
          // The later events of this deal wait behind it (their order matters: opened before won).
          await Promise.all(rows.slice(i).map(release));
          return settled;
        }
        deps.logger?.warn(
          { code: appError.code, opportunityId: row.opportunityId, seq: row.seq },
          'the account refused a deal event; recorded',
        );
        await settle(row, `refused:${appError.code}`);
        settled++;
      }
    }
    return settled;
  };

  const deliverPending: DealEventDelivery['deliverPending'] = async (opts = {}) => {
    const rows = await lease({
      ...(opts.opportunityId === undefined ? {} : { opportunityId: opts.opportunityId }),
      limit: opts.limit ?? DEFAULT_LIMIT,
    });
    const byDeal = new Map<string, QueuedRow[]>();
    for (const row of rows) byDeal.set(row.opportunityId, [...(byDeal.get(row.opportunityId) ?? []), row]);
    const counts = await Promise.all(
      [...byDeal.values()].map((dealRows) => oneAtATime(dealRows[0]!.accountId, () => deliverDeal(dealRows))),
    );
    return counts.reduce((a, b) => a + b, 0);
  };

  return {
    deliverPending,
    async drain(boundMs) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)));
      await Promise.race([Promise.all([...kicked.values()]), bound]);
      clearTimeout(timer);
    },
    kick(opportunityId, projectedTypes) {
      if (projectedTypes && !projectedTypes.some((t) => QUEUED_DEAL_EVENT_TYPES.has(t))) return;
      // One at a time per deal in this process; a row leased by a pass in flight is skipped anyway.
      const previous = kicked.get(opportunityId) ?? Promise.resolve();
      const next = previous
        .then(() => deliverPending({ opportunityId }))
        .catch((err: unknown) =>
          deps.logger?.warn({ err, opportunityId }, 'deal events to the account: left to the sweeper'),
        );
      kicked.set(opportunityId, next);
      void next.then(() => {
        if (kicked.get(opportunityId) === next) kicked.delete(opportunityId);
      });
    },
    start(intervalMs) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<unknown> | undefined;
      const tick = () => {
        running = (async () => {
          // Drains what piled up (several batches) before sleeping again.
          while (!stopped && (await deliverPending()) >= DEFAULT_LIMIT);
        })()
          .catch((err: unknown) => deps.logger?.warn({ err }, 'deal-event sweep failed; next interval'))
          .finally(() => {
            if (!stopped) {
              timer = setTimeout(tick, intervalMs);
              timer.unref?.();
            }
          });
      };
      timer = setTimeout(tick, intervalMs);
      timer.unref?.();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
          await Promise.all([...kicked.values()]);
        },
      };
    },
  };
}
