// A leaver's whole book goes to a successor in one step (离职继承, issue 11), started by an admin
// through POST /api/admin/handover (its id from the Idempotency-Key: a retry is this same run).
// Durable and resumable: the plan (claims, open deals, pending approvals where the leaver is the
// approver) is read once and kept in history; each item is one activity whose request id names the
// handover and the item, so a worker dying mid-way resumes where it was and a repeated item is
// answered from the account's or deal's memory, never applied twice.
//   1. each claim: the account workflow's `handover` Update (owner history with the reason);
//   2. each open deal: the deal's owner change (updateDeal ownerId), so its reminders, escalations,
//      permissions and the approvals it asked for follow the successor;
//   3. the leaver's direct reports now report to the successor (the reorganisation), and every deal
//      whose approver chain ran through the leaver is told at once (reportingLineChanged), as the
//      users API does on a manager change: the deal re-reads its line and re-routes its approvals.
// Every item is recorded (BookHandoverItem: from, to, who, why, outcome).

import {
  defineQuery,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../src/contracts/activities';
import { DIRECTORY_ACTIVITY, MIGRATION_ACTIVITY } from './activity-options';
import { reportingLineChangedSignal } from './opportunity-messages';
import type { Actor } from './opportunity-types';

export interface BookHandoverInput {
  handoverId: string;
  fromUserId: string;
  toUserId: string;
  reason: string;
  actor: Actor;
}

/** What moves, as the read model had it when the run began. */
export interface BookHandoverPlan {
  claims: { accountId: string; name: string }[];
  deals: { id: string; name: string }[];
  approvals: { opportunityId: string; approvalId: string }[];
}

export type BookHandoverItemKind = 'claim' | 'deal' | 'approval';

export interface BookHandoverItemRequest {
  handoverId: string;
  kind: BookHandoverItemKind;
  subjectId: string;
  fromUserId: string;
  toUserId: string;
  reason: string;
  actor: Actor;
}

export interface BookHandoverItemOutcome {
  outcome: 'moved' | 'unchanged' | 'failed';
  code?: string;
}

export interface BookHandoverProgress {
  handoverId: string;
  status: 'running' | 'done';
  /** Items settled (moved, unchanged or failed) of `total`. */
  done: number;
  total: number;
  failed: number;
  moved: number;
}

export interface BookHandoverActivities {
  /** The leaver's claims, open deals and pending approvals (read model). */
  planBookHandover(input: { fromUserId: string }): Promise<BookHandoverPlan>;
  /** Moves one claim or deal (idempotent by handover and item); records it. */
  handOverBookItem(request: BookHandoverItemRequest): Promise<BookHandoverItemOutcome>;
  /** Records an item the workflow settled itself (an approval whose deal was told). */
  recordBookHandoverItem(request: BookHandoverItemRequest & BookHandoverItemOutcome): Promise<void>;
  /** The leaver's direct reports report to the successor; answers who moved. Idempotent. */
  reassignReports(input: { fromUserId: string; toUserId: string }): Promise<string[]>;
}

export const bookHandoverProgressQuery = defineQuery<BookHandoverProgress>('bookHandoverProgress');

export const bookHandoverWorkflowId = (handoverId: string): string => `book-handover-${handoverId}`;

/** Items in flight at once: a big book does not flood the server. */
const PARALLEL = 10;

const { planBookHandover, reassignReports, recordBookHandoverItem } =
  proxyActivities<BookHandoverActivities>(DIRECTORY_ACTIVITY);
const { listOpenDealsInLine } = proxyActivities<Activities>(DIRECTORY_ACTIVITY);
const { handOverBookItem } = proxyActivities<BookHandoverActivities>(MIGRATION_ACTIVITY);

export async function bookHandover(input: BookHandoverInput): Promise<BookHandoverProgress> {
  const progress: BookHandoverProgress = {
    handoverId: input.handoverId,
    status: 'running',
    done: 0,
    total: 0,
    failed: 0,
    moved: 0,
  };
  setHandler(bookHandoverProgressQuery, () => ({ ...progress }));

  const plan = await planBookHandover({ fromUserId: input.fromUserId });
  progress.total = plan.claims.length + plan.deals.length + plan.approvals.length;
  const item = (kind: BookHandoverItemKind, subjectId: string): BookHandoverItemRequest => ({
    handoverId: input.handoverId,
    kind,
    subjectId,
    fromUserId: input.fromUserId,
    toUserId: input.toUserId,
    reason: input.reason,
    actor: input.actor,
  });
  const settle = (outcome: BookHandoverItemOutcome['outcome']) => {
    progress.done += 1;
    if (outcome === 'failed') progress.failed += 1;
    if (outcome === 'moved') progress.moved += 1;
  };

  const moveAll = async (kind: 'claim' | 'deal', ids: string[]) => {
    for (let i = 0; i < ids.length; i += PARALLEL) {
      const outcomes = await Promise.allSettled(
        ids.slice(i, i + PARALLEL).map((id) => handOverBookItem(item(kind, id))),
      );
      for (const o of outcomes) settle(o.status === 'fulfilled' ? o.value.outcome : 'failed');
    }
  };
  await moveAll(
    'claim',
    plan.claims.map((c) => c.accountId),
  );
  await moveAll(
    'deal',
    plan.deals.map((d) => d.id),
  );

  // The reorganisation: the leaver's reports go to the successor, and every deal whose approver
  // chain ran through the leaver re-reads it now (not at its next clock check).
  const movedReports = await reassignReports({ fromUserId: input.fromUserId, toUserId: input.toUserId });
  const toTell = new Set(plan.approvals.map((a) => a.opportunityId));
  for (const userId of movedReports) for (const id of await listOpenDealsInLine(userId)) toTell.add(id);
  const told = new Set<string>();
  const ids = [...toTell].sort();
  for (let i = 0; i < ids.length; i += PARALLEL) {
    const batch = ids.slice(i, i + PARALLEL);
    const outcomes = await Promise.allSettled(
      batch.map((id) =>
        getExternalWorkflowHandle(id).signal(reportingLineChangedSignal, { userId: input.toUserId }),
      ),
    );
    outcomes.forEach((o, j) => {
      if (o.status === 'fulfilled') told.add(batch[j] as string);
      else log.info('deal not told of the handover', { opportunityId: batch[j], error: String(o.reason) });
    });
  }
  for (const approval of plan.approvals) {
    const outcome = told.has(approval.opportunityId) ? 'moved' : 'failed';
    await recordBookHandoverItem({
      ...item('approval', approval.approvalId),
      outcome,
      ...(outcome === 'failed' ? { code: 'DEAL_CLOSED' } : {}),
    });
    settle(outcome);
  }
  progress.status = 'done';
  return { ...progress };
}
