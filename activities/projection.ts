// Projects what a workflow did into the read model. Idempotent: events are keyed by
// (deal, seq) and the opportunity row only moves forward in seq, so a retried or repeated call
// changes nothing, and a later call carrying missed events repairs the gap.
import type { Prisma, PrismaClient } from '../src/db/prisma';
import type { OpportunitySnapshot, ProjectionEvent, ProjectionInput } from './contracts';

type Tx = Prisma.TransactionClient;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function opportunityData(s: OpportunitySnapshot) {
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
  };
}

async function applyEvent(tx: Tx, s: OpportunitySnapshot, e: ProjectionEvent): Promise<void> {
  const at = new Date(e.occurredAt);
  const p = e.payload;
  switch (e.type) {
    case 'milestone_reached': {
      const index = num(p.milestoneIndex);
      const milestone = str(p.milestone);
      if (index === null || milestone === null) return;
      await tx.milestoneEvent.updateMany({
        where: { opportunityId: s.id, milestoneIndex: { lt: index }, leftAt: null },
        data: { leftAt: at },
      });
      await tx.milestoneEvent.upsert({
        where: { opportunityId_milestoneIndex: { opportunityId: s.id, milestoneIndex: index } },
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
        update: { enteredAt: at, leftAt: null, skipped: p.skipped === true, seq: e.seq },
      });
      return;
    }
    case 'sla_breached': {
      const index = num(p.milestoneIndex);
      if (index === null) return;
      await tx.milestoneEvent.updateMany({
        where: { opportunityId: s.id, milestoneIndex: index },
        data: { slaBreached: true },
      });
      return;
    }
    case 'won':
    case 'lost':
      await tx.milestoneEvent.updateMany({
        where: { opportunityId: s.id, leftAt: null, milestoneIndex: { lt: s.milestoneIndex } },
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

export async function projectOpportunity(
  prisma: PrismaClient,
  input: ProjectionInput,
  options: ProjectOptions = {},
): Promise<ProjectOutcome> {
  const { snapshot: s } = input;
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  return prisma.$transaction(async (tx) => {
    // Serialise projections of one deal: a retry racing a later call must not interleave.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${s.id}))`;
    const existing = await tx.opportunity.findUnique({ where: { id: s.id }, select: { lastEventSeq: true } });
    const first = events[0]?.seq ?? s.seq + 1;
    const holds = existing?.lastEventSeq ?? 0;
    if (options.requireContiguous && first > holds + 1 && s.seq > holds) return { gapAfter: holds };
    if (!existing) {
      await tx.opportunity.create({
        data: { id: s.id, createdAt: new Date(s.createdAt), ...opportunityData(s) },
      });
    }
    const known = new Set(
      (
        await tx.opportunityEvent.findMany({
          where: { opportunityId: s.id, seq: { in: events.map((e) => e.seq) } },
          select: { seq: true },
        })
      ).map((r) => r.seq),
    );
    const fresh = events.filter((e) => !known.has(e.seq));
    if (fresh.length > 0) {
      await tx.opportunityEvent.createMany({
        data: fresh.map((e) => ({
          opportunityId: s.id,
          seq: e.seq,
          type: e.type,
          actorId: e.actorId,
          occurredAt: new Date(e.occurredAt),
          payload: e.payload as Prisma.InputJsonValue,
        })),
        skipDuplicates: true,
      });
      for (const e of fresh) await applyEvent(tx, s, e);
    }
    if (existing && s.seq > existing.lastEventSeq) {
      await tx.opportunity.update({ where: { id: s.id }, data: opportunityData(s) });
    }
    return { gapAfter: null };
  });
}

export function createProjectionActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async projectOpportunity(input: ProjectionInput): Promise<void> {
      await projectOpportunity(prisma, input);
    },
  };
}
