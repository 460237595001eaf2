// Keeps the deal's Temporal search attributes (src/contracts/search-attributes.ts) current, so an
// operator can find e.g. every stalled deal at business breakthrough with `temporal workflow list`.
//
// History: an upsert is one event, so it is sent only when an attribute changed (a milestone,
// status, stall, owner, amount or account change), in the same workflow task as the change; a
// command that changes none of them adds nothing. Only the attributes that differ are sent.
import { condition, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { dealSearchAttributes } from '../src/contracts/search-attributes';
import { isStalled, stageMilestone } from './opportunity-state';
import type { OpportunityState } from './opportunity-types';

/**
 * Marks runs that keep their search attributes current. New runs take it at start; a run started
 * before it takes it at its first change of an attribute after the deployment (patched() there
 * records it) and then gets all of them at once. Runs without it replay with no upserts.
 */
export const SEARCH_ATTRIBUTES_PATCH = 'psm-search-attributes';

/** What the attributes should say now. */
export function wantedSearchAttributes(state: OpportunityState): SearchAttributePair[] {
  return dealSearchAttributes({
    milestone: stageMilestone(state).key,
    ownerId: state.ownerId,
    status: state.status,
    stalled: isStalled(state),
    amount: state.amount,
    account: state.account,
  });
}

/** The wanted attributes the run does not carry yet (set at start, inherited, or upserted). */
export function outdatedSearchAttributes(state: OpportunityState): SearchAttributePair[] {
  const current = workflowInfo().typedSearchAttributes;
  return wantedSearchAttributes(state).filter(({ key, value }) => current.get(key) !== value);
}

const signature = (state: OpportunityState): string =>
  JSON.stringify(wantedSearchAttributes(state).map((pair) => pair.value));

/** Runs for the life of the workflow; `enabled` is patched(SEARCH_ATTRIBUTES_PATCH) at start. */
export async function keepSearchAttributesCurrent(state: OpportunityState, enabled: boolean): Promise<never> {
  for (;;) {
    if (enabled) {
      const outdated = outdatedSearchAttributes(state);
      if (outdated.length > 0) upsertSearchAttributes(outdated);
    }
    const seen = signature(state);
    await condition(() => signature(state) !== seen);
    enabled ||= patched(SEARCH_ATTRIBUTES_PATCH);
  }
}
