// The report shapes the dashboard reads (src/reports/schemas.ts, src/reports/dashboard-schemas.ts).
import type { Bilingual } from '../../types';

interface Money {
  count: number;
  amount: number;
}
interface Weighted extends Money {
  weighted: number;
}

export interface FunnelReport {
  stages: {
    key: string;
    index: number;
    name: Bilingual;
    winPct: number;
    reached: number;
    skipped: number;
    amount: number;
    advancedToNext: number | null;
    conversionToNext: number | null;
  }[];
}

export interface ForecastLine {
  userId: string | null;
  name: string | null;
  target: number;
  won: Money;
  remainingTarget: number;
  pipeline: Weighted;
  commit: Weighted;
  bestCase: Weighted;
  onHold: Money;
  coverage: number | null;
}
export interface ForecastReport {
  commitFrom: string;
  totals: ForecastLine;
  byRep: ForecastLine[];
}

export interface MovementReport {
  asOf: string;
  created: Money;
  advanced: Money;
  stalled: Money;
  won: Money;
  lost: Money;
  stalledNow: Money;
  daysInStage: {
    key: string;
    index: number;
    open: number;
    stalled: number;
    avgDays: number | null;
    maxDays: number | null;
  }[];
}

interface Rate {
  from: string;
  to: string;
  entered: number;
  advanced: number;
  rate: number | null;
}
export interface BottleneckReport {
  marginPct: number;
  minSample: number;
  team: Rate[];
  reps: {
    userId: string;
    name: string;
    transitions: (Rate & { teamRate: number | null; gapPct: number | null; flagged: boolean })[];
  }[];
  flagged: (Rate & { userId: string; name: string; teamRate: number; gapPct: number })[];
}

export interface StalledList {
  total: number;
  deals: {
    id: string;
    name: string;
    account: string;
    ownerId: string;
    ownerName: string;
    milestone: string;
    daysInStage: number;
    escalationLevel: number;
    amount: number;
  }[];
}

export interface DashboardData {
  funnel: FunnelReport;
  forecast: ForecastReport;
  movement: MovementReport;
  bottlenecks: BottleneckReport;
  stalled: StalledList;
}
