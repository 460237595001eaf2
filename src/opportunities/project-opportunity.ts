// Projects what a workflow did into the read model. Idempotent: events are keyed by
// (deal, seq) and the opportunity row only moves forward in seq, so a retried or repeated call
// changes nothing, and a later call carrying missed events repairs the gap.
import { Prisma, type PrismaClient } from '../db/prisma';
import type {
  LtcSnapshot,
  OpportunitySnapshot,
  ProjectionEvent,
  ProjectionInput,
} from '../contracts/activities';

type Tx = Prisma.TransactionClient;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function opportunityData(s: OpportunitySnapshot) {
  return {
    name: s.name,
    account: s.account,
    amount: s.amount,
    currency: s.currency,
    ownerId: s.ownerId,
    milestone: s.milestone,
    milestoneIndex: s.milestoneIndex,
    probability: s.probability,
    status: s.status,
    expectedCloseDate: s.expectedCloseDate ? new Date(s.expectedCloseDate) : null,
    stageEnteredAt: new Date(s.stageEnteredAt),
    lastActivityAt: s.lastActivityAt ? new Date(s.lastActivityAt) : null,
    escalationLevel: s.escalationLevel,
    stalled: s.stalled,
    noSponsorWarning: s.noSponsorWarning,
    lostReason: s.lostReason,
    closedAt: s.closedAt ? new Date(s.closedAt) : null,
    lastEventSeq: s.seq,
    ...(s.ltc ? ltcData(s.ltc) : {}),
    // The process version the deal runs on (issue 17); deals from before versions keep the default 1.
    ...(s.processVersion === undefined ? {} : { processVersion: s.processVersion }),
  };
}

const dateOnly = (d: string | null): Date | null => (d ? new Date(`${d.slice(0, 10)}T00:00:00Z`) : null);

/** The LTC columns of the deal's row (runs with the LTC rules; older runs leave the defaults). */
function ltcData(l: LtcSnapshot) {
  const acceptor = l.handover?.acceptorId ?? null;
  return {
    major: l.major,
    kickoffRequired: l.kickoffRequired,
    planRecordedAt: l.planRecordedAt ? new Date(l.planRecordedAt) : null,
    decisionDate: dateOnly(l.decisionDate),
    handoverStatus: l.handover?.status ?? null,
    handoverDueAt: l.handover?.dueAt ? new Date(l.handover.dueAt) : null,
    handoverAcceptedAt: l.handover?.acceptedAt ? new Date(l.handover.acceptedAt) : null,
    deliveryOwnerId: acceptor,
    closingSummary: (l.closingSummary ?? Prisma.DbNull) as Prisma.InputJsonValue | typeof Prisma.DbNull,
    executionCompletedAt: l.executionCompletedAt ? new Date(l.executionCompletedAt) : null,
  };
}

/**
 * The deal's team and plan rows as the snapshot has them, replacing what was there. Called with the
 * row's own write (create, or an update to a newer snapshot), so it moves forward in seq with it.
 * One statement (it runs after every command), the SQL function psm_project_ltc, which
 * psm_project_batch calls too: rows the snapshot no longer has are deleted, the others upserted,
 * and a row that did not change is not written at all. The deleted and the upserted keys are
 * disjoint, so the parts of the statement never touch the same row. A member listed twice keeps
 * the first entry (as createMany's skipDuplicates did).
 */
export async function projectLtc(tx: Tx, s: OpportunitySnapshot): Promise<void> {
  const rows = ltcRows(s);
  if (!rows) return;
  const team = JSON.stringify(rows.team);
  const plan = JSON.stringify(rows.plan);
  await tx.$executeRaw`SELECT psm_project_ltc(${s.id}, ${team}::jsonb, ${plan}::jsonb)`;
}

/** The team and plan rows psm_project_ltc writes, or null for a deal without the LTC rules. */
function ltcRows(s: OpportunitySnapshot): { team: unknown[]; plan: unknown[] } | null {
  if (!s.ltc) return null;
  const team = s.ltc.team.map((m, n) => ({ userId: m.userId, role: m.role, addedAt: m.addedAt, n }));
  const plan = s.ltc.plan.map((row) => ({
    milestone: row.milestone,
    milestoneIndex: row.milestoneIndex,
    plannedDate: row.plannedDate?.slice(0, 10) ?? null,
    actualDate: row.actualDate?.slice(0, 10) ?? null,
    skipped: row.skipped,
    slippageDays: row.slippageDays,
  }));
  return { team, plan };
}

/**
 * The event types applyEvent writes more rows for: every case of its switch. A batch whose
 * inserted events are all of other types needs no transaction around psm_project_batch.
 */
export const APPLIED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'milestone_reached',
  'sla_breached',
  'won',
  'lost',
  'activity_logged',
  'approval_requested',
  'approval_decided',
  'escalation_sent',
]);

export async function applyEvent(tx: Tx, s: OpportunitySnapshot, e: ProjectionEvent): Promise<void> {
  const at = new Date(e.occurredAt);
  const p = e.payload;
  switch (e.type) {
    case 'milestone_reached': {
      const index = num(p.milestoneIndex);
      const milestone = str(p.milestone);
      if (index === null || milestone === null) return;
      // By key (issue 17): positions differ between process versions, keys do not. Reaching a
      // milestone leaves every other open visit (within a version: the ones before it).
      await tx.milestoneEvent.updateMany({
        where: { opportunityId: s.id, milestone: { not: milestone }, leftAt: null },
        data: { leftAt: at },
      });
      await tx.milestoneEvent.upsert({
        where: { opportunityId_milestone: { opportunityId: s.id, milestone } },
        create: {
          opportunityId: s.id,
          milestoneIndex: index,
          milestone,
          ownerId: s.ownerId,
          enteredAt: at,
          skipped: p.skipped === true,
          seq: e.seq,
        },
        // Reopened and reached again: the latest visit counts.
        update: {
          milestoneIndex: index,
          enteredAt: at,
          leftAt: null,
          skipped: p.skipped === true,
          seq: e.seq,
        },
      });
      return;
    }
    case 'sla_breached': {
      const milestone = str(p.milestone);
      const index = num(p.milestoneIndex);
      if (milestone === null && index === null) return;
      await tx.milestoneEvent.updateMany({
        where:
          milestone === null
            ? { opportunityId: s.id, milestoneIndex: index! }
            : { opportunityId: s.id, milestone },
        data: { slaBreached: true },
      });
      return;
    }
    case 'won':
    case 'lost':
      await tx.milestoneEvent.updateMany({
        where: { opportunityId: s.id, leftAt: null, milestone: { not: s.milestone } },
        data: { leftAt: at },
      });
      return;
    case 'activity_logged':
      await tx.salesActivity.createMany({
        data: [
          {
            opportunityId: s.id,
            seq: e.seq,
            kind: str(p.kind) ?? 'other',
            occurredAt: str(p.occurredAt) ? new Date(str(p.occurredAt)!) : at,
            note: str(p.note) ?? '',
            actorId: e.actorId ?? s.ownerId,
          },
        ],
        skipDuplicates: true,
      });
      return;
    case 'approval_requested': {
      const id = str(p.approvalId);
      const approverId = str(p.approverId);
      if (!id || !approverId) return;
      await tx.approval.upsert({
        where: { id },
        create: {
          id,
          opportunityId: s.id,
          kind: str(p.kind) ?? 'milestone_gate',
          milestone: str(p.milestone),
          amount: num(p.amount),
          requestedById: e.actorId ?? s.ownerId,
          approverId,
          status: 'pending',
          reason: str(p.reason),
          requestedAt: at,
        },
        update: {},
      });
      return;
    }
    case 'approval_decided': {
      const id = str(p.approvalId);
      const decision = str(p.decision);
      if (!id || (decision !== 'approved' && decision !== 'rejected' && decision !== 'cancelled')) return;
      // An approved gate the deal outgrew (psm-void-approved-on-change): it keeps who decided it.
      if (decision === 'cancelled' && p.previousStatus === 'approved') {
        await tx.approval.updateMany({ where: { id, status: 'approved' }, data: { status: 'cancelled' } });
        return;
      }
      await tx.approval.updateMany({
        where: { id, status: 'pending' },
        data: { status: decision, decidedAt: at, decidedById: e.actorId, comment: str(p.comment) },
      });
      return;
    }
    case 'escalation_sent': {
      const key = str(p.key);
      if (!key) return;
      await tx.escalationSent.createMany({
        data: [
          {
            opportunityId: s.id,
            key,
            kind: str(p.kind) ?? 'unknown',
            level: num(p.level) ?? 0,
            milestone: str(p.milestone) ?? s.milestone,
            recipientIds: Array.isArray(p.recipientIds)
              ? p.recipientIds.filter((r): r is string => typeof r === 'string')
              : [],
            sentAt: at,
          },
        ],
        skipDuplicates: true,
      });
      return;
    }
    default:
      return;
  }
}

export interface ProjectOptions {
  /**
   * Refuse (write nothing, report the gap) when the events do not follow on from what the read
   * model already holds. Callers projecting one command's result use it, and fill the gap from the
   * workflow; the workflow's own projections always carry everything since its last acknowledged one.
   */
  requireContiguous?: boolean;
}

/** `gapAfter` is the read model's last seq when a contiguous projection was refused, else null. */
export interface ProjectOutcome {
  gapAfter: number | null;
}

/** The read model's last seq for the deal (null: no row yet), and `gapAfter` as in ProjectOutcome. */
export interface ProjectionHead {
  holds: number | null;
  gapAfter: number | null;
}

/**
 * Serialises projections of one deal until the transaction ends (a retry racing a later call
 * must not interleave) and reads how far the read model got, in one round trip. Raw SQL on the
 * hot path: it runs after every command, and each compiled Prisma query costs about a millisecond
 * and a half of CPU. With `requireContiguous`, a projection whose first event (`sorted` by seq)
 * would leave a gap after the read model's last one, and that brings a newer snapshot, is refused.
 */
export async function lockHead(
  tx: Tx,
  input: ProjectionInput,
  sorted: readonly ProjectionEvent[],
  requireContiguous: boolean,
): Promise<ProjectionHead> {
  const s = input.snapshot;
  const [head] = await tx.$queryRaw<{ lastEventSeq: number | null }[]>`
    SELECT o."lastEventSeq" FROM (SELECT pg_advisory_xact_lock(hashtext(${s.id}))) AS l
    LEFT JOIN "Opportunity" AS o ON o.id = ${s.id}`;
  const holds = head?.lastEventSeq ?? null;
  const first = sorted[0]?.seq ?? s.seq + 1;
  const gap = requireContiguous && first > (holds ?? 0) + 1 && s.seq > (holds ?? 0);
  return { holds, gapAfter: gap ? (holds ?? 0) : null };
}

export async function projectOpportunity(
  prisma: PrismaClient,
  input: ProjectionInput,
  options: ProjectOptions = {},
): Promise<ProjectOutcome> {
  const { snapshot: s } = input;
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  return prisma.$transaction(async (tx) => {
    const { holds, gapAfter } = await lockHead(tx, input, events, options.requireContiguous ?? false);
    if (gapAfter !== null) return { gapAfter };
    if (holds === null) {
      await tx.opportunity.create({
        data: { id: s.id, createdAt: new Date(s.createdAt), ...opportunityData(s) },
      });
      await projectLtc(tx, s);
    }
    if (events.length > 0) {
      const rows = events.map((e) => ({
        seq: e.seq,
        type: e.type,
        actorId: e.actorId,
        occurredAt: e.occurredAt,
        payload: e.payload,
      }));
      // Only the events inserted now are applied: a repeat changes nothing.
      const inserted = await tx.$queryRaw<{ seq: number }[]>`
        INSERT INTO "OpportunityEvent" ("opportunityId", "seq", "type", "actorId", "occurredAt", "payload")
        SELECT ${s.id}, e.seq, e.type, e."actorId"::uuid, e."occurredAt"::timestamptz AT TIME ZONE 'UTC', e.payload
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          AS e(seq int, type text, "actorId" text, "occurredAt" text, payload jsonb)
        ON CONFLICT DO NOTHING
        RETURNING seq`;
      const fresh = new Set(inserted.map((r) => r.seq));
      for (const e of events) if (fresh.has(e.seq)) await applyEvent(tx, s, e);
    }
    if (holds !== null && s.seq > holds) {
      await tx.opportunity.update({ where: { id: s.id }, data: opportunityData(s) });
      await projectLtc(tx, s);
    }
    return { gapAfter: null };
  });
}

/** What projectBatch did with one deal's command result. */
export type BatchOutcome =
  /** Projected (gapAfter null) or refused for a gap (gapAfter: the read model's last seq). */
  | { kind: 'done'; gapAfter: number | null }
  /** Not handled here (the deal has no row yet): project it on its own. */
  | { kind: 'alone' };

export interface BatchItem {
  input: ProjectionInput;
  /** A ProjectionPending mark to delete in the same transaction once this item is projected. */
  markToken?: string;
}

/**
 * Many deals' command results in one statement (the API's projections, batched under load):
 * psm_project_batch (prisma/migrations/20261202150000_project_batch_function) takes each deal's
 * lock in one order, reads how far each deal got, inserts its events, moves its row and LTC rows
 * forward, and deletes the projected items' pending marks, all in one implicit transaction and one
 * round trip. Each deal keeps projectOpportunity's rules with `requireContiguous` (a projection
 * that would leave a gap is refused with the read model's last seq; a repeat changes nothing). A
 * deal without a row is left to the caller (`alone`). When an inserted event needs more rows
 * (APPLIED_EVENT_TYPES), the call runs in a transaction with applyEvent for those events. If
 * anything fails the whole batch rolls back and the caller projects each item on its own (where a
 * poisoned value is dead-lettered). At most one item per deal (the caller serialises a deal's
 * projections).
 */
export async function projectBatch(
  prisma: PrismaClient,
  items: readonly BatchItem[],
): Promise<BatchOutcome[]> {
  const ids = items.map((i) => i.input.snapshot.id);
  if (new Set(ids).size !== ids.length) throw new Error('projectBatch: one item per deal');
  const sorted = items.map(({ input }) => [...input.events].sort((a, b) => a.seq - b.seq));
  const payload = JSON.stringify(
    items.map(({ input, markToken }, n) => {
      const s = input.snapshot;
      const events = sorted[n]!;
      return {
        id: s.id,
        first: events[0]?.seq ?? s.seq + 1,
        seq: s.seq,
        events: events.map((e) => ({
          seq: e.seq,
          type: e.type,
          actorId: e.actorId,
          occurredAt: e.occurredAt,
          payload: e.payload,
        })),
        data: columnValues(opportunityData(s)),
        ltc: ltcRows(s),
        markToken: markToken ?? null,
      };
    }),
  );
  type Result = { outcomes: BatchOutcome[]; fresh: { id: string; seq: number }[] };
  const call = async (db: Tx | PrismaClient): Promise<Result> => {
    const [row] = await db.$queryRaw<{ r: Result }[]>`SELECT psm_project_batch(${payload}::jsonb) AS r`;
    return row!.r;
  };
  if (!sorted.some((events) => events.some((e) => APPLIED_EVENT_TYPES.has(e.type)))) {
    return (await call(prisma)).outcomes;
  }
  return prisma.$transaction(async (tx) => {
    const { outcomes, fresh } = await call(tx);
    // Only the events inserted now are applied: a repeat changes nothing.
    const inserted = new Set(fresh.map((f) => `${f.id}\0${f.seq}`));
    for (const [n, { input }] of items.entries()) {
      for (const e of sorted[n]!) {
        if (inserted.has(`${input.snapshot.id}\0${e.seq}`)) await applyEvent(tx, input.snapshot, e);
      }
    }
    return outcomes;
  });
}

/**
 * opportunityData as psm_project_batch reads it (jsonb_populate_record over the row type): dates
 * as ISO strings (UTC, as Prisma writes them), Prisma's DbNull as null; an undefined field is left
 * out, so the column keeps its value as in a Prisma update.
 */
function columnValues(data: ReturnType<typeof opportunityData>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    out[key] = value instanceof Date ? value.toISOString() : value === Prisma.DbNull ? null : value;
  }
  return out;
}
