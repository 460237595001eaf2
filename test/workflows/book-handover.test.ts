// The bookHandover workflow on the time-skipping server with typed fake activities: every claim and
// deal is one activity with a stable request, a failed attempt (a worker dying mid-way) is retried
// with the same request and counted once, a refusal is an outcome, the leaver's reports move and
// the deals of their line (and those whose approval waited on the leaver) are told. The same run is
// the recorded history test/histories/book-handover.json (recorded here when missing), which
// replay.test.ts replays against every later change.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import {
  bookHandoverWorkflowId,
  type BookHandoverActivities,
  type BookHandoverInput,
  type BookHandoverItemRequest,
} from '../../workflows/book-handover';
import { historyToJsonText } from './history-files';
import { createTimeSkippingEnv, quietTemporalLogs, REPO_ROOT, USERS, workflowBundle } from './helpers';

const HISTORY = path.join(REPO_ROOT, 'test/histories/book-handover.json');

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  quietTemporalLogs();
  env = await createTimeSkippingEnv();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

/** Deal workflows stand in as idle account workflows: a signal needs a running target, not a handler. */
const DEAL_OWNED = 'account-opp-handover-owned';
const DEAL_OF_REPORT = 'account-opp-handover-report';
const DEAL_CLOSED = 'opp-handover-closed';

it('moves each item once, retries a failed attempt with the same request, tells the affected deals', async () => {
  const taskQueue = `book-handover-${randomUUID()}`;
  const calls: BookHandoverItemRequest[] = [];
  const recorded: (BookHandoverItemRequest & { outcome: string })[] = [];
  let failOnce = true;
  const activities: BookHandoverActivities & { listOpenDealsInLine(userId: string): Promise<string[]> } = {
    planBookHandover: async () => ({
      claims: [
        { accountId: 'acc-a', name: 'A' },
        { accountId: 'acc-b', name: 'B' },
      ],
      deals: [
        { id: DEAL_OWNED, name: 'owned' },
        { id: 'opp-refused', name: 'refused' },
      ],
      approvals: [
        { opportunityId: DEAL_OF_REPORT, approvalId: 'apr-1' },
        { opportunityId: DEAL_CLOSED, approvalId: 'apr-2' },
      ],
    }),
    handOverBookItem: async (request) => {
      calls.push(request);
      if (request.subjectId === 'acc-b' && failOnce) {
        failOnce = false;
        throw ApplicationFailure.retryable('worker died', 'SERVICE_UNAVAILABLE');
      }
      if (request.subjectId === 'opp-refused') return { outcome: 'failed', code: 'DEAL_CLOSED' };
      return { outcome: 'moved' };
    },
    recordBookHandoverItem: async (request) => {
      recorded.push(request);
    },
    reassignReports: async () => [USERS.rep],
    listOpenDealsInLine: async () => [DEAL_OF_REPORT],
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
  });
  const handoverId = 'recorded-0001';
  const input: BookHandoverInput = {
    handoverId,
    fromUserId: USERS.manager,
    toUserId: USERS.otherManager,
    reason: '离职交接',
    actor: { userId: USERS.admin, role: 'admin' },
  };
  const result = await worker.runUntil(async () => {
    for (const id of [DEAL_OWNED, DEAL_OF_REPORT])
      await env.client.workflow.start('account', {
        workflowId: id,
        taskQueue,
        args: [{ accountId: id.replace(/^account-/, '') }],
      });
    const handle = await env.client.workflow.start('bookHandover', {
      workflowId: bookHandoverWorkflowId(handoverId),
      taskQueue,
      args: [input],
    });
    const done = await handle.result();
    if (!fs.existsSync(HISTORY)) fs.writeFileSync(HISTORY, historyToJsonText(await handle.fetchHistory()));
    for (const id of [DEAL_OWNED, DEAL_OF_REPORT])
      await env.client.workflow
        .getHandle(id)
        .terminate()
        .catch(() => undefined);
    return done;
  });

  expect(result).toEqual({ handoverId, status: 'done', total: 6, done: 6, failed: 2, moved: 4 });
  // acc-b's first attempt failed: retried with the very same request (its request id comes from it).
  expect(calls.filter((c) => c.subjectId === 'acc-b')).toHaveLength(2);
  expect(new Set(calls.filter((c) => c.subjectId === 'acc-b').map((c) => JSON.stringify(c))).size).toBe(1);
  expect(calls.map((c) => `${c.kind}:${c.subjectId}`).sort()).toEqual([
    'claim:acc-a',
    'claim:acc-b',
    'claim:acc-b',
    `deal:${DEAL_OWNED}`,
    'deal:opp-refused',
  ]);
  // The approval on the report's deal: told; the one on a closed deal: recorded as failed.
  expect(recorded.map((r) => `${r.subjectId}:${r.outcome}`)).toEqual(['apr-1:moved', 'apr-2:failed']);
});
