// Simulates one deal's life the way the opportunity workflow would record it: initiation gate,
// milestones in order (a few skipped with approval), SLA breaches with escalations, won / lost /
// on hold / still open, discounts, and logged activities; then the read-model rows the projection
// would have written for it. Deterministic for a given seed.
import { PSM_PROCESS } from '../workflows/psm-process';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const LAST = PSM_PROCESS.milestones.length - 1;
/** Chance a deal at milestone i moves on to i+1 (before i = 0: the initiation gate is approved). */
const ADVANCE = [0.78, 0.72, 0.66, 0.6, 0.72];
const ACTIVITY_KINDS = ['visit', 'call', 'meeting', 'email'] as const;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OrgForSeed {
  /** rep id → [manager id, director id] */
  lineOf: Map<string, [string, string]>;
  repIds: string[];
}

export interface DealRows {
  opportunity: unknown[];
  events: unknown[][];
  milestones: unknown[][];
  approvals: unknown[][];
  activities: unknown[][];
  escalations: unknown[][];
}

interface Event {
  at: number;
  type: string;
  actorId: string | null;
  payload: Record<string, unknown>;
}

export class DealGenerator {
  constructor(
    private readonly rand: () => number,
    private readonly org: OrgForSeed,
    private readonly now: number,
  ) {}

  private between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.rand();
  }

  private chance(p: number): boolean {
    return this.rand() < p;
  }

  /** Builds deal `index`, padding its journal with logged activities up to `eventTarget` events. */
  generate(index: number, eventTarget: (lifecycleEvents: number) => number): DealRows {
    const id = `bench-${index}`;
    const ownerId = this.org.repIds[Math.floor(this.rand() * this.org.repIds.length)]!;
    const [managerId, directorId] = this.org.lineOf.get(ownerId)!;
    const amount = Math.round(Math.exp(this.between(Math.log(10_000), Math.log(5_000_000))) / 100) * 100;
    const createdAt = this.now - this.between(1, 365) * DAY;
    const expectedClose = this.chance(0.2)
      ? null
      : new Date(createdAt + this.between(60, 240) * DAY).toISOString().slice(0, 10);
    const events: Event[] = [{ at: createdAt, type: 'created', actorId: ownerId, payload: {} }];
    const milestones: unknown[][] = [];
    const approvals: unknown[][] = [];
    const escalations: unknown[][] = [];
    const approver = amount >= PSM_PROCESS.approvals.directorFromAmount ? directorId : managerId;
    const past = (t: number) => t < this.now;

    let status: 'open' | 'on_hold' | 'won' | 'lost' = 'open';
    let closedAt: number | null = null;
    let lostReason: string | null = null;
    let reached = -1;
    let stageEnteredAt = createdAt;
    let stalled = false;
    let escalationLevel = 0;

    const approval = (
      kind: string,
      milestone: string | null,
      requestedAt: number,
      outcome: 'approved' | 'rejected' | 'pending',
    ) => {
      if (!past(requestedAt)) return { decided: 'not_requested' as const, decidedAt: null };
      const approvalId = `${id}-a${approvals.length}`;
      const decidedAt = outcome === 'pending' ? null : requestedAt + this.between(1, 96) * HOUR;
      const decided = decidedAt !== null && past(decidedAt) ? outcome : 'pending';
      events.push({
        at: requestedAt,
        type: 'approval_requested',
        actorId: ownerId,
        payload: { approvalId, kind, milestone, approverId: approver, amount: null, reason: 'bench' },
      });
      if (decided !== 'pending')
        events.push({
          at: decidedAt!,
          type: 'approval_decided',
          actorId: approver,
          payload: { approvalId, decision: decided, comment: null },
        });
      approvals.push([
        approvalId,
        id,
        kind,
        milestone,
        null,
        ownerId,
        approver,
        decided,
        'bench',
        iso(requestedAt),
        decided === 'pending' ? null : iso(decidedAt!),
        decided === 'pending' ? null : approver,
        null,
      ]);
      return { decided, decidedAt };
    };

    /** The journal event behind each milestone row, to number it once the journal is sorted. */
    const reachedBy = new Map<unknown[], Event>();
    const enter = (i: number, at: number, skipped: boolean): void => {
      const key = PSM_PROCESS.milestones[i]!.key;
      // The workflow also journals an evidence_recorded beside each completion. No report reads
      // it, and at 10 events a deal the budget is better spent on logged activities, which real
      // journals are mostly made of; both are journal-only types to the reports' indexes.
      const event: Event = {
        at,
        type: 'milestone_reached',
        actorId: ownerId,
        payload: { milestone: key, milestoneIndex: i, skipped },
      };
      events.push(event);
      milestones.forEach((row) => {
        if (row[5] === null) row[5] = iso(at); // leftAt of the previous visit
      });
      const row = [id, i, key, ownerId, iso(at), null, false, skipped, 0];
      reachedBy.set(row, event);
      milestones.push(row);
    };

    // Initiation gate, then project initiation.
    const gate = approval(
      'milestone_gate',
      PSM_PROCESS.milestones[0]!.key,
      createdAt + this.between(0, 3) * DAY,
      this.chance(0.9) ? 'approved' : 'rejected',
    );
    const t = (gate.decidedAt ?? createdAt) + this.between(0, 2) * DAY;
    if (gate.decided === 'rejected') {
      status = 'lost';
      closedAt = gate.decidedAt!;
      lostReason = 'initiation rejected';
      events.push({ at: closedAt, type: 'lost', actorId: ownerId, payload: { reason: lostReason } });
    } else if (gate.decided === 'approved' && past(t)) {
      enter(0, t, false);
      reached = 0;
      stageEnteredAt = t;
    }

    // Milestones 1..5: each either reached after some days in the stage, or the deal stops there.
    while (status === 'open' && reached >= 0 && reached < LAST) {
      const sla = PSM_PROCESS.milestones[reached]!.stallSlaDays ?? 30;
      const stay = this.between(2, sla * 1.25);
      const moves = this.chance(ADVANCE[reached]!);
      const leaveAt = stageEnteredAt + stay * DAY;
      const breachAt = stageEnteredAt + sla * DAY;
      const breached = past(breachAt) && (moves ? stay > sla : true);
      if (breached) {
        const level = 1;
        const key = `${id}:stall:${PSM_PROCESS.milestones[reached]!.key}:v1:l${level}`;
        events.push({
          at: breachAt,
          type: 'sla_breached',
          actorId: null,
          payload: { milestone: PSM_PROCESS.milestones[reached]!.key, milestoneIndex: reached },
        });
        events.push({
          at: breachAt,
          type: 'escalation_sent',
          actorId: null,
          payload: {
            key,
            kind: 'stall',
            level,
            milestone: PSM_PROCESS.milestones[reached]!.key,
            recipientIds: [managerId],
          },
        });
        escalations.push([
          id,
          key,
          'stall',
          level,
          PSM_PROCESS.milestones[reached]!.key,
          managerId,
          iso(breachAt),
        ]);
        milestones[milestones.length - 1]![6] = true;
      }
      if (!moves || !past(leaveAt)) {
        // Stuck here: lost some while later, or still open (stalled once past the SLA).
        const lostAt = breachAt + this.between(0, 20) * DAY;
        if (!moves && this.chance(0.55) && past(lostAt)) {
          status = 'lost';
          closedAt = lostAt;
          lostReason = 'lost to competitor';
          events.push({ at: lostAt, type: 'lost', actorId: ownerId, payload: { reason: lostReason } });
        } else if (breached) {
          stalled = true;
          escalationLevel = past(breachAt + PSM_PROCESS.stallEscalation.directorAfterDays * DAY) ? 2 : 1;
        }
        break;
      }
      const next = reached + 1;
      if (next < LAST - 1 && next > 0 && this.chance(0.03) && next + 1 <= LAST) {
        // The rep had skipping `next` approved and completed the one after it.
        approval('skip_milestone', PSM_PROCESS.milestones[next]!.key, leaveAt - 2 * DAY, 'approved');
        enter(next, leaveAt, true);
        enter(next + 1, leaveAt, false);
        reached = next + 1;
      } else {
        enter(next, leaveAt, false);
        reached = next;
      }
      stageEnteredAt = leaveAt;
      if (reached === 4 && this.chance(0.3))
        approval('discount', null, leaveAt + DAY, this.chance(0.7) ? 'approved' : 'rejected');
      if (reached === LAST) {
        status = 'won';
        closedAt = leaveAt;
        events.push({ at: leaveAt, type: 'won', actorId: ownerId, payload: {} });
      }
    }
    if (status === 'open' && this.chance(0.02)) {
      status = 'on_hold';
      stalled = false;
      events.push({
        at: Math.min(this.now - HOUR, stageEnteredAt + DAY),
        type: 'on_hold',
        actorId: ownerId,
        payload: { reason: 'bench' },
      });
    }

    // Logged activities fill the journal to its target size, spread over the deal's life.
    const end = closedAt ?? this.now - HOUR;
    const fill = Math.max(0, eventTarget(events.length));
    const activities: unknown[][] = [];
    let lastActivityAt: number | null = null;
    for (let k = 0; k < fill; k += 1) {
      const at = createdAt + this.rand() * Math.max(HOUR, end - createdAt);
      const kind = ACTIVITY_KINDS[Math.floor(this.rand() * ACTIVITY_KINDS.length)]!;
      events.push({
        at,
        type: 'activity_logged',
        actorId: ownerId,
        payload: { kind, note: 'bench', occurredAt: iso(at) },
      });
      lastActivityAt = Math.max(lastActivityAt ?? 0, at);
    }

    events.sort((a, b) => a.at - b.at);
    const eventRows = events.map((e, i) => {
      if (e.type === 'activity_logged')
        activities.push([id, i + 1, e.payload.kind, iso(e.at), 'bench', ownerId]);
      return [id, i + 1, e.type, e.actorId, iso(e.at), JSON.stringify(e.payload)];
    });
    // The projection keeps the seq of the event that created each milestone row.
    for (const row of milestones) row[8] = events.indexOf(reachedBy.get(row)!) + 1;
    const index0 = Math.max(0, reached);
    const probability = status === 'won' ? 100 : reached < 0 ? 0 : PSM_PROCESS.milestones[reached]!.winPct;
    const opportunity = [
      id,
      `Bench deal ${index}`,
      `Account ${index % 5_000}`,
      amount,
      'CNY',
      ownerId,
      PSM_PROCESS.milestones[index0]!.key,
      index0,
      probability,
      status,
      expectedClose,
      iso(stageEnteredAt),
      lastActivityAt === null ? null : iso(lastActivityAt),
      status === 'open' ? escalationLevel : 0,
      status === 'open' && stalled,
      false,
      lostReason,
      iso(createdAt),
      closedAt === null ? null : iso(closedAt),
      eventRows.length,
      iso(this.now),
    ];
    return { opportunity, events: eventRows, milestones, approvals, activities, escalations };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
