// Makes a deal's snapshot storable whatever a running deal holds in its state: PostgreSQL text
// cannot hold NUL, timestamps end at 4713 BC and 294276 AD, the amount
// column at 10^14, and integers at 2^31. Used only after the snapshot as it is was refused, and
// that refusal is dead-lettered, so nothing is changed silently.
import type { OpportunitySnapshot } from '../contracts/activities';

const STATUSES = new Set<OpportunitySnapshot['status']>(['open', 'on_hold', 'won', 'lost']);
// PostgreSQL's timestamp range, inside JavaScript's.
const MIN_TIME = Date.UTC(-4712, 0, 1);
const MAX_TIME = Date.UTC(294276, 0, 1);
const MAX_AMOUNT = 1e14;
const MAX_INT = 2 ** 31 - 1;

export function storableText(value: unknown, fallback = ''): string {
  if (typeof value !== 'string') return fallback;
  return value.replaceAll('\0', '');
}

/** The instant as ISO text if PostgreSQL can store it, else null. */
export function storableInstant(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) && t >= MIN_TIME && t < MAX_TIME ? new Date(t).toISOString() : null;
}

function storableInt(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.max(-MAX_INT, Math.min(MAX_INT, Math.trunc(value)))
    : fallback;
}

export function sanitizeSnapshot(s: OpportunitySnapshot, now: number): OpportunitySnapshot {
  const amount =
    typeof s.amount === 'number' && Number.isFinite(s.amount) && Math.abs(s.amount) < MAX_AMOUNT
      ? s.amount
      : 0;
  const nowIso = new Date(now).toISOString();
  return {
    ...s,
    name: storableText(s.name),
    account: storableText(s.account),
    amount,
    currency: storableText(s.currency, 'CNY') || 'CNY',
    milestone: storableText(s.milestone),
    milestoneIndex: storableInt(s.milestoneIndex),
    probability: storableInt(s.probability),
    status: STATUSES.has(s.status) ? s.status : 'open',
    expectedCloseDate: storableInstant(s.expectedCloseDate),
    stageEnteredAt: storableInstant(s.stageEnteredAt) ?? nowIso,
    lastActivityAt: storableInstant(s.lastActivityAt),
    escalationLevel: storableInt(s.escalationLevel),
    stalled: s.stalled === true,
    noSponsorWarning: s.noSponsorWarning === true,
    lostReason: s.lostReason === null ? null : storableText(s.lostReason),
    createdAt: storableInstant(s.createdAt) ?? nowIso,
    closedAt: storableInstant(s.closedAt),
    seq: storableInt(s.seq),
  };
}
