// A reorganisation reaching running deals (交接 after a manager change): started by the users API
// when someone's manager, role or active flag changes, it lists the open deals owned by that user
// or anyone below them (the read model) and signals each, so every deal re-reads its owner's
// reporting line within moments instead of at its next clock check. Signals are durable: once
// this workflow has started, every listed deal is told even if the API or a worker dies.

import { getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../src/contracts/activities';
import { DIRECTORY_ACTIVITY } from './activity-options';
import { reportingLineChangedSignal } from './opportunity-messages';

export interface ReportingLineChangeInput {
  /** The user whose manager, role or active flag changed. */
  userId: string;
}

export interface ReportingLineChangeResult {
  deals: number;
  signalled: number;
  /** Deals that had finished meanwhile (nothing to tell), or otherwise could not be signalled. */
  skipped: number;
}

/** Signals in flight at once: bounded so a large organisation does not flood the server. */
const PARALLEL_SIGNALS = 20;

const { listOpenDealsInLine } = proxyActivities<Activities>(DIRECTORY_ACTIVITY);

export async function reportingLineChange(
  input: ReportingLineChangeInput,
): Promise<ReportingLineChangeResult> {
  const deals = await listOpenDealsInLine(input.userId);
  let signalled = 0;
  for (let i = 0; i < deals.length; i += PARALLEL_SIGNALS) {
    const batch = deals.slice(i, i + PARALLEL_SIGNALS);
    const outcomes = await Promise.allSettled(
      batch.map((id) =>
        getExternalWorkflowHandle(id).signal(reportingLineChangedSignal, { userId: input.userId }),
      ),
    );
    outcomes.forEach((outcome, j) => {
      if (outcome.status === 'fulfilled') signalled += 1;
      else log.info('deal not signalled', { opportunityId: batch[j], error: String(outcome.reason) });
    });
  }
  return { deals: deals.length, signalled, skipped: deals.length - signalled };
}
