// Builds the read model the way production does: a scripted deal history becomes the projection
// events a workflow would emit, applied by the real projectOpportunity. Report tests then check
// numbers against the script, which says in plain dates what happened.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../src/db/prisma';
import { projectOpportunity } from '../../src/opportunities/project-opportunity';
import type { OpportunitySnapshot, ProjectionEvent } from '../../src/contracts/activities';
import { PSM_PROCESS, type ProcessDefinition } from '../../workflows/psm-process';
import { definitionOf } from '../../workflows/process-versions';

const DAY = 24 * 60 * 60 * 1000;
/** A fixed origin so every test reads in dates: day(0) = 2026-01-05T02:00Z (Mon 10:00 Shanghai). */
export const ORIGIN = Date.parse('2026-01-05T02:00:00.000Z');
export const day = (n: number): Date => new Date(ORIGIN + n * DAY);

export class DealScript {
  readonly id: string;
  private readonly events: ProjectionEvent[] = [];
  private reachedIndex = -1;
  private stageEnteredAt: Date;
  private status: OpportunitySnapshot['status'] = 'open';
  private closedAt: Date | null = null;
  private stalled = false;
  private escalationLevel = 0;
  private lostReason: string | null = null;
  /** The definition the deal runs on: the latest one, or its processVersion's when one is given. */
  private process: ProcessDefinition;
  private processVersion: number | undefined;

  constructor(
    private readonly ownerId: string,
    private readonly amount: number,
    private readonly createdAt: Date,
    private readonly extra: {
      name?: string;
      expectedCloseDate?: string | null;
      id?: string;
      processVersion?: number;
    } = {},
  ) {
    this.id = extra.id ?? `seed-${randomUUID()}`;
    this.processVersion = extra.processVersion;
    this.process =
      extra.processVersion === undefined
        ? PSM_PROCESS
        : definitionOf({ processVersion: extra.processVersion });
    this.stageEnteredAt = createdAt;
    this.push('created', createdAt, {});
  }

  private push(
    type: string,
    at: Date,
    payload: Record<string, unknown>,
    actorId: string | null = this.ownerId,
  ): this {
    this.events.push({ seq: this.events.length + 1, type, actorId, occurredAt: at.toISOString(), payload });
    return this;
  }

  /** Reaches milestone `index` at `at`; milestones in between are recorded as skipped, as the workflow does. */
  reach(index: number, at: Date): this {
    for (let skipped = this.reachedIndex + 1; skipped < index; skipped += 1) {
      this.push('milestone_reached', at, {
        milestone: this.process.milestones[skipped]!.key,
        milestoneIndex: skipped,
        skipped: true,
      });
    }
    this.push('milestone_reached', at, {
      milestone: this.process.milestones[index]!.key,
      milestoneIndex: index,
      skipped: false,
    });
    this.reachedIndex = index;
    this.stageEnteredAt = at;
    this.stalled = false;
    this.escalationLevel = 0;
    if (index === this.process.milestones.length - 1) {
      this.status = 'won';
      this.closedAt = at;
      this.push('won', at, {});
    }
    return this;
  }

  /** Reaches each next milestone up to `toIndex`, the first at `start`, then every `gapDays` days. */
  walk(toIndex: number, start: Date, gapDays: number): this {
    for (let step = 0; this.reachedIndex < toIndex; step += 1) {
      this.reach(this.reachedIndex + 1, new Date(start.getTime() + step * gapDays * DAY));
    }
    return this;
  }

  /**
   * The process owner migrated the deal onto `toVersion` (the migrateProcessVersion Update): it sits
   * at `moveTo` (default: the same key) of the new version, at that version's position.
   */
  migrate(toVersion: number, at: Date, moveTo?: string): this {
    const fromVersion = this.processVersion ?? 1;
    const from = this.reachedIndex < 0 ? null : this.process.milestones[this.reachedIndex]!.key;
    const fromIndex = this.reachedIndex;
    this.process = definitionOf({ processVersion: toVersion });
    this.processVersion = toVersion;
    const to = from === null ? null : (moveTo ?? from);
    this.reachedIndex = to === null ? -1 : this.process.milestones.findIndex((m) => m.key === to);
    if (to !== null && this.reachedIndex < 0) throw new Error(`version ${toVersion} has no milestone ${to}`);
    return this.push('process_version_migrated', at, {
      fromVersion,
      toVersion,
      milestone: { from, to },
      milestoneIndex: { from: fromIndex, to: this.reachedIndex },
      mustMeet: [],
      clocks: 'keep',
    });
  }

  /** The stage SLA passed: the workflow journals sla_breached and escalates to the manager. */
  breachSla(at: Date): this {
    this.stalled = true;
    this.escalationLevel = 1;
    return this.push(
      'sla_breached',
      at,
      {
        milestone: this.process.milestones[Math.max(0, this.reachedIndex)]!.key,
        milestoneIndex: Math.max(0, this.reachedIndex),
      },
      null,
    );
  }

  requestApproval(
    approvalId: string,
    kind: 'milestone_gate' | 'skip_milestone' | 'discount',
    approverId: string,
    at: Date,
    milestone: string | null = null,
  ): this {
    return this.push('approval_requested', at, {
      approvalId,
      kind,
      milestone,
      approverId,
      amount: null,
      reason: 'seeded',
    });
  }

  decideApproval(
    approvalId: string,
    decision: 'approved' | 'rejected' | 'cancelled',
    at: Date,
    actorId: string,
  ): this {
    return this.push('approval_decided', at, { approvalId, decision, comment: null }, actorId);
  }

  lose(at: Date, reason = 'budget cut'): this {
    this.status = 'lost';
    this.closedAt = at;
    this.lostReason = reason;
    this.stalled = false;
    return this.push('lost', at, { reason });
  }

  hold(at: Date): this {
    this.status = 'on_hold';
    return this.push('on_hold', at, { reason: 'customer freeze' });
  }

  snapshot(): OpportunitySnapshot {
    const index = Math.max(0, this.reachedIndex);
    return {
      id: this.id,
      name: this.extra.name ?? `Deal ${this.id.slice(-6)}`,
      account: 'Seeded account',
      amount: this.amount,
      currency: 'CNY',
      ownerId: this.ownerId,
      milestone: this.process.milestones[index]!.key,
      milestoneIndex: index,
      probability:
        this.status === 'won' ? 100 : this.reachedIndex < 0 ? 0 : this.process.milestones[index]!.winPct,
      status: this.status,
      expectedCloseDate: this.extra.expectedCloseDate ?? null,
      stageEnteredAt: this.stageEnteredAt.toISOString(),
      lastActivityAt: null,
      escalationLevel: this.escalationLevel,
      stalled: this.status === 'open' && this.stalled,
      noSponsorWarning: false,
      lostReason: this.lostReason,
      createdAt: this.createdAt.toISOString(),
      closedAt: this.closedAt?.toISOString() ?? null,
      seq: this.events.length,
      ...(this.processVersion === undefined ? {} : { processVersion: this.processVersion }),
    };
  }

  async project(prisma: PrismaClient): Promise<this> {
    await projectOpportunity(prisma, { snapshot: this.snapshot(), events: this.events });
    return this;
  }
}
