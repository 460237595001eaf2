// The customer pages' pure logic, apart from the API client (no DOM, so Node tests and the root
// typecheck read it): my list's days left and order, and the pool's query string.
import { teamToday } from '../views/dashboard/period';

export interface Claim {
  accountId: string;
  name: string;
  funnelStep: string;
  claimedAt: string | null;
  lapsesAt: string | null;
  warnsAt: string | null;
  lastSalesActionAt: string | null;
  protected: boolean;
}

export interface PoolFilters {
  q?: string;
  industry?: string;
  region?: string;
  tag?: string;
  cursor?: string | null;
}

export function poolQuery(filters: PoolFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (typeof v === 'string' && v.trim()) q.set(k, v.trim());
  return q.toString();
}

/** Whole calendar days (the team's, Asia/Shanghai, as every date on the page) from today to `iso`; negative once past. */
export function daysLeft(iso: string | null | undefined, now = new Date()): number | null {
  if (!iso) return null;
  const day = (d: Date) => Date.parse(`${teamToday(d)}T00:00:00Z`);
  return Math.round((day(new Date(iso)) - day(now)) / 86_400_000);
}

/** My list, most urgent first: the nearest lapse day on top, protected claims (no clock) last. */
export function byUrgency(claims: Claim[]): Claim[] {
  const key = (c: Claim) => (c.protected || !c.lapsesAt ? Number.POSITIVE_INFINITY : Date.parse(c.lapsesAt));
  return [...claims].sort((a, b) => key(a) - key(b) || a.name.localeCompare(b.name));
}
