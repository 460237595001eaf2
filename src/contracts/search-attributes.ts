// The deal's Temporal search attributes and summary, defined once: the workflow upserts them, the
// client sets them at start, the dev servers register them, and operators query them, e.g.
//   temporal workflow list --query "PsmMilestone = 'business_breakthrough' AND PsmStalled = true"
// Pure: keys, the registration table and two formatting functions, nothing else.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';

export const PSM_MILESTONE = defineSearchAttributeKey('PsmMilestone', SearchAttributeType.KEYWORD);
export const PSM_OWNER = defineSearchAttributeKey('PsmOwner', SearchAttributeType.KEYWORD);
export const PSM_STATUS = defineSearchAttributeKey('PsmStatus', SearchAttributeType.KEYWORD);
export const PSM_STALLED = defineSearchAttributeKey('PsmStalled', SearchAttributeType.BOOL);
export const PSM_AMOUNT = defineSearchAttributeKey('PsmAmount', SearchAttributeType.DOUBLE);
/** Keyword, not Text: operators match an account exactly, and Chinese names do not tokenise. */
export const PSM_ACCOUNT = defineSearchAttributeKey('PsmAccount', SearchAttributeType.KEYWORD);

/**
 * Name and type of each, as `temporal server start-dev --search-attribute Name=Type` and
 * `temporal operator search-attribute create --name Name --type Type` spell them.
 */
export const PSM_SEARCH_ATTRIBUTES = [
  { name: PSM_MILESTONE.name, type: 'Keyword' },
  { name: PSM_OWNER.name, type: 'Keyword' },
  { name: PSM_STATUS.name, type: 'Keyword' },
  { name: PSM_STALLED.name, type: 'Bool' },
  { name: PSM_AMOUNT.name, type: 'Double' },
  { name: PSM_ACCOUNT.name, type: 'Keyword' },
] as const;

/** `--search-attribute Name=Type` for each, for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return PSM_SEARCH_ATTRIBUTES.flatMap(({ name, type }) => ['--search-attribute', `${name}=${type}`]);
}

/** What the search attributes say about a deal. */
export interface DealSearchFacts {
  /** The deal's stage as the read model names it: the last milestone reached (the first before any). */
  milestone: string;
  ownerId: string;
  status: string;
  stalled: boolean;
  amount: number;
  account: string;
}

/** The attributes in a fixed order (the workflow compares and upserts them in this order). */
export function dealSearchAttributes(facts: DealSearchFacts): SearchAttributePair[] {
  return [
    { key: PSM_MILESTONE, value: facts.milestone },
    { key: PSM_OWNER, value: facts.ownerId },
    { key: PSM_STATUS, value: facts.status },
    { key: PSM_STALLED, value: facts.stalled },
    { key: PSM_AMOUNT, value: facts.amount },
    { key: PSM_ACCOUNT, value: facts.account },
  ];
}

/**
 * The workflow's summary in the Temporal UI: deal · account · amount. Set at start (a static
 * summary cannot change; a rename shows in the search attributes and the app, not here).
 */
export function dealSummary(deal: {
  name: string;
  account: string;
  amount: number;
  currency: string;
}): string {
  const amount = deal.amount.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return `${deal.name} · ${deal.account} · ${deal.currency} ${amount}`;
}
