// The board's data as GET /api/board answers it (src/reports/dashboard-schemas.ts).
import type { Bilingual } from '../../types';

export interface BoardCard {
  id: string;
  name: string;
  account: string;
  amount: number;
  currency: string;
  ownerId: string;
  ownerName: string;
  status: 'open' | 'on_hold';
  /** -1 before project initiation is reached. */
  reachedIndex: number;
  nextMilestone: string | null;
  probability: number;
  stageEnteredAt: string;
  daysInStage: number;
  stalled: boolean;
  noSponsorWarning: boolean;
  escalationLevel: number;
}

export interface BoardColumn {
  key: string;
  index: number;
  name: Bilingual | null;
  winPct: number;
  count: number;
  amount: number;
  weighted: number;
  cards: BoardCard[];
  /** More cards than listed: the cursor of the next page. */
  nextCursor: string | null;
}

export interface BoardOwner {
  id: string;
  name: string;
  managerId: string | null;
}

export interface Board {
  scope: { team: string | null; rep: string | null; userCount: number | null };
  asOf: string;
  columns: BoardColumn[];
  owners: BoardOwner[];
}

export interface BoardFilter {
  team: string;
  rep: string;
}
