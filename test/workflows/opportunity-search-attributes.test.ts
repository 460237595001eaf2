// The deal's search attributes on the time-skipping server: set at start, upserted in the task of
// the change and only with what changed (a command that changes none adds nothing to history),
// PsmStalled following the stall escalation and the next milestone, and carried across
// continue-as-new without an upsert.

import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import type { opportunity } from '../../workflows';
import { startSearchAttributes } from '../../src/opportunities/workflow-client';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { latestProcessVersion } from '../../workflows/process-versions';
import type { OpportunityStartInput } from '../../workflows/opportunity-types';
import { ACTORS, USERS, DealDriver, useHarness, waitUntil } from './helpers';
import { complete, continuedDealScenario, logCall, passGate, requestGate } from './scenarios';

const h = useHarness();

const T = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;
type Values = Record<string, unknown>;

function decode(fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined): Values {
  return Object.fromEntries(
    Object.entries(fields ?? {}).map(([name, payload]) => [
      name,
      JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString('utf8')),
    ]),
  );
}

/**
 * Each upsert of the deal's attributes in the history, as the attributes it sent. (The SDK's own
 * upserts of TemporalChangeVersion, one per patch taken, are left out.)
 */
function upserts(history: History): Values[] {
  return (history.events ?? [])
    .filter((e) => Number(e.eventType) === T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .map((e) => decode(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields))
    .filter((values) => !('TemporalChangeVersion' in values));
}

async function settledHistory(deal: DealDriver): Promise<History> {
  let previous = -1;
  let history: History = {};
  await waitUntil(async () => {
    history = await deal.handle.fetchHistory();
    const length = history.events?.length ?? 0;
    const stable = length === previous && deal.readModelSeq() >= (await deal.state()).seq;
    previous = length;
    if (!stable) await new Promise((r) => setTimeout(r, 150));
    return stable;
  });
  return history;
}

/** Starts a deal the way the API does: with its search attributes. */
async function startLikeTheApi(overrides: Partial<OpportunityStartInput> = {}): Promise<DealDriver> {
  const id = `opp-${randomUUID()}`;
  const input: OpportunityStartInput = {
    id,
    name: '宁波港智慧码头',
    account: '宁波舟山港集团',
    amount: 480_000,
    currency: 'CNY',
    ownerId: USERS.rep,
    createdBy: ACTORS.rep,
    // As the API does (workflow-client.ts): a new deal starts on the latest process version.
    processVersion: latestProcessVersion(),
    ...overrides,
  };
  const handle = await h.env.client.workflow.start<typeof opportunity>('opportunity', {
    workflowId: id,
    taskQueue: h.taskQueue,
    args: [input],
    typedSearchAttributes: startSearchAttributes(input),
  });
  const deal = new DealDriver(handle, id, h.fakes);
  await waitUntil(async () => (await deal.state()).reportingLine !== null);
  return deal;
}

/** The upserts the step added to the deal's history. */
async function upsertsOf(deal: DealDriver, step: () => Promise<unknown>): Promise<Values[]> {
  const before = upserts(await settledHistory(deal)).length;
  await step();
  return upserts(await settledHistory(deal)).slice(before);
}

const BUSINESS_BREAKTHROUGH = PSM_PROCESS.milestones.findIndex((m) => m.key === 'business_breakthrough');

test('an attribute is upserted in the task that changes it, alone; other commands add no upsert', async () => {
  const deal = await startLikeTheApi();
  expect(upserts(await settledHistory(deal))).toEqual([]);

  // Approvals, activities and the first milestone (the deal's stage already) change none of them.
  expect(
    await upsertsOf(deal, async () => {
      const gate = await requestGate(deal);
      await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
      await logCall(h, deal);
      await complete(deal, PSM_PROCESS.milestones[0]!.key);
    }),
  ).toEqual([]);

  for (const milestone of PSM_PROCESS.milestones.slice(1, BUSINESS_BREAKTHROUGH + 1)) {
    await passGate(deal, milestone.key); // a gate the definition puts here, measured apart
    // The upsert rides in the milestone's own workflow task, between the Update's two events.
    const before = (await settledHistory(deal)).events?.length ?? 0;
    await complete(deal, milestone.key);
    const added = ((await settledHistory(deal)).events ?? []).slice(before).map((e) => Number(e.eventType));
    expect(added).toEqual([
      T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
      T.EVENT_TYPE_WORKFLOW_TASK_STARTED,
      T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
      T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
      T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
      T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
    ]);
    expect(upserts(await settledHistory(deal)).at(-1)).toEqual({ PsmMilestone: milestone.key });
  }

  expect(await upsertsOf(deal, () => deal.command('updateDeal', ACTORS.rep, { amount: 990_000 }))).toEqual([
    { PsmAmount: 990_000 },
  ]);

  // The stall escalation makes it stalled (in the clock check's task)...
  const sla = PSM_PROCESS.milestones[BUSINESS_BREAKTHROUGH]!.stallSlaDays!;
  expect(
    await upsertsOf(deal, async () => {
      await h.advance(`${sla}d`);
      await waitUntil(() => h.fakes.notificationsFor(deal.id).some((m) => m.template === 'stall_escalation'));
    }),
  ).toEqual([{ PsmStalled: true }]);
  expect((await deal.state()).stalled).toBe(true);

  // ...and the next milestone (which wins the deal) un-stalls it, all in one upsert.
  const next = PSM_PROCESS.milestones[BUSINESS_BREAKTHROUGH + 1]!;
  const moved = await upsertsOf(deal, () => complete(deal, next.key));
  expect(moved).toEqual([{ PsmMilestone: next.key, PsmStatus: 'won', PsmStalled: false }]);
});

test('an owner, account or status change is upserted; a deal started without attributes gets them at once', async () => {
  const deal = await h.startDeal(); // the harness starts deals without attributes
  expect(upserts(await settledHistory(deal))).toEqual([
    {
      PsmMilestone: PSM_PROCESS.milestones[0]!.key,
      PsmOwner: USERS.rep,
      PsmStatus: 'open',
      PsmStalled: false,
      PsmAmount: 480_000,
      PsmAccount: 'Hangzhou Metro Group',
    },
  ]);
  expect(
    await upsertsOf(deal, () =>
      deal.command('updateDeal', ACTORS.manager, { ownerId: USERS.teamRep, account: '杭州地铁集团' }),
    ),
  ).toEqual([{ PsmOwner: USERS.teamRep, PsmAccount: '杭州地铁集团' }]);
  expect(
    await upsertsOf(deal, () => deal.command('markLost', ACTORS.manager, { reason: 'Budget cut.' })),
  ).toEqual([{ PsmStatus: 'lost' }]);
});

test('continue-as-new carries the attributes: the next run starts with them and upserts nothing', async () => {
  const deal = await continuedDealScenario(h);
  const first = await h.env.client.workflow
    .getHandle(deal.id, deal.handle.firstExecutionRunId)
    .fetchHistory();
  const latest = await settledHistory(deal);
  expect(latest.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
  const inherited = decode(
    latest.events?.[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields,
  );
  expect(inherited).toMatchObject(Object.assign({}, ...upserts(first)));
  expect(inherited).toMatchObject({ PsmAccount: 'Wuxi People’s Hospital', PsmStatus: 'open' });
  expect(upserts(latest)).toEqual([]);
});

test('history per milestone stays within 1.2x a bare Update (5 events), as bench:workflow counts it', async () => {
  const deal = await startLikeTheApi();
  const gate = await requestGate(deal);
  await deal.command('decideApproval', ACTORS.manager, { approvalId: gate, decision: 'approved' });
  const perMilestone: number[] = [];
  for (const milestone of PSM_PROCESS.milestones) {
    await passGate(deal, milestone.key); // a gate the definition puts here, measured apart
    const before = (await settledHistory(deal)).events?.length ?? 0;
    await complete(deal, milestone.key);
    perMilestone.push(((await settledHistory(deal)).events?.length ?? 0) - before);
  }
  // The first milestone is the deal's stage already (no upsert). The win leaves the wake-up timer
  // armed: since patched('psm-ltc-deal-team') a won deal's handover clock takes it over.
  expect(perMilestone).toEqual([5, ...Array<number>(PSM_PROCESS.milestones.length - 1).fill(6)]);
  const sum = perMilestone.reduce((a, b) => a + b, 0);
  expect(sum / perMilestone.length / 5).toBeLessThanOrEqual(1.2);
});
