// An operator finds deals by search attribute on the real dev server (registered by its
// --search-attribute flags), with the real app: deals created and moved through the API, then
// `temporal workflow list --query` (the client's list and the CLI) returns exactly the right ones,
// and describe() shows each deal's summary.
//
// A stall takes 30 days at business breakthrough and the dev server cannot skip time, so the
// stalled deal is a run continued from a stalled one (continue-as-new's carried state, the way a
// long-lived deal's next run starts). The stall itself, upserted by the escalation, is proven on
// the time-skipping server (test/workflows/opportunity-search-attributes.test.ts).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { opportunity } from '../../workflows';
import { PSM_PROCESS } from '../../workflows/psm-process';
import { createInitialState } from '../../workflows/opportunity-state';
import {
  approveInitiationGate,
  createDeal as createDealVia,
  startTestApp,
  type TestApp,
} from '../support/app';
import { temporalAddress } from '../support/temporal';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const BUSINESS_BREAKTHROUGH = PSM_PROCESS.milestones.findIndex((m) => m.key === 'business_breakthrough');
/** One account per run, so the queries see only this test's deals. */
const ACCOUNT = `浙江能源集团-${randomBytes(3).toString('hex')}`;

const createDeal = (name: string) => createDealVia(app, { name, account: ACCOUNT, amount: 300000 });

async function moveTo(id: string, lastIndex: number): Promise<void> {
  await approveInitiationGate(app, id);
  for (const m of PSM_PROCESS.milestones.slice(0, lastIndex + 1)) {
    const done = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
      milestone: m.key,
      criteriaMet: m.rule === 'all' ? m.criteria.map((c) => c.key) : [m.criteria[0]!.key],
      evidence: 'Meeting notes',
    });
    expect(done.status).toBe(200);
  }
}

async function list(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of app.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids.sort();
}

/** Visibility is eventually consistent: wait until the query answers `expected`. */
async function listed(query: string, expected: string[]): Promise<string[]> {
  let ids: string[] = [];
  await waitUntil(async () => {
    ids = await list(query);
    return JSON.stringify(ids) === JSON.stringify([...expected].sort());
  }, 20_000).catch(() => undefined);
  return ids;
}

test('an operator finds every stalled deal at business breakthrough, and sees each deal summarised', async () => {
  const early = await createDeal('Hangzhou grid analytics');
  const moving = await createDeal('Ningbo substation IoT');
  await moveTo(moving, BUSINESS_BREAKTHROUGH);

  // A deal at business breakthrough whose stall escalation fired, continuing in a new run.
  const stalledId = `opp-stalled-${randomBytes(6).toString('hex')}`;
  const input = {
    id: stalledId,
    name: 'Wenzhou wind farm SCADA',
    account: ACCOUNT,
    amount: 720000,
    currency: 'CNY',
    ownerId: app.org.repA1.id,
    createdBy: { userId: app.org.repA1.id, role: 'rep' as const },
  };
  const carried = createInitialState(input, Date.now());
  carried.reachedIndex = BUSINESS_BREAKTHROUGH;
  carried.stall = { anchor: new Date(Date.now() - 31 * 86_400_000).toISOString(), level: 1 };
  await app.client.workflow.start<typeof opportunity>('opportunity', {
    workflowId: stalledId,
    taskQueue: app.taskQueue,
    args: [{ ...input, carried }],
  });

  const atBreakthrough = `PsmAccount = '${ACCOUNT}' AND PsmMilestone = 'business_breakthrough'`;
  const stalledQuery = `${atBreakthrough} AND PsmStalled = true`;
  expect(await listed(`PsmAccount = '${ACCOUNT}'`, [early, moving, stalledId])).toEqual(
    [early, moving, stalledId].sort(),
  );
  expect(await listed(atBreakthrough, [moving, stalledId])).toEqual([moving, stalledId].sort());
  expect(await listed(stalledQuery, [stalledId])).toEqual([stalledId]);
  expect(
    await listed(`PsmAccount = '${ACCOUNT}' AND PsmStatus = 'open' AND PsmAmount >= 500000`, [stalledId]),
  ).toEqual([stalledId]);
  expect(
    await listed(`PsmAccount = '${ACCOUNT}' AND PsmOwner = '${app.org.repA1.id}' AND PsmStalled = false`, [
      early,
      moving,
    ]),
  ).toEqual([early, moving].sort());

  // The README's command, as an operator types it.
  const cli = path.resolve(__dirname, '../../.tools/venv/bin/temporal');
  const out = execFileSync(
    cli,
    ['workflow', 'list', '--address', temporalAddress(), '--query', stalledQuery, '--output', 'json'],
    { encoding: 'utf8' },
  );
  const fromCli = (JSON.parse(out) as { execution: { workflowId: string } }[]).map(
    (w) => w.execution.workflowId,
  );
  expect(fromCli).toEqual([stalledId]);

  // The Temporal UI's summary of a deal created through the API: deal · account · amount.
  const described = await app.client.workflow.getHandle(moving).describe();
  expect(await described.staticSummary()).toBe(`Ningbo substation IoT · ${ACCOUNT} · CNY 300,000`);
  expect(described.typedSearchAttributes.getAll().length).toBeGreaterThanOrEqual(6);
});

it("README's deprecatePatch check: the CLI counts running deals whose run started before a deployment", async () => {
  const account = `宁波港集团-${randomBytes(3).toString('hex')}`;
  const before = await createDealVia(app, { name: 'before the deploy', account, amount: 1000 });
  await new Promise((r) => setTimeout(r, 1100)); // StartTime has second precision in the query
  const deployedAt = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  const after = await createDealVia(app, { name: 'after the deploy', account, amount: 1000 });
  const query = `WorkflowType = 'opportunity' AND ExecutionStatus = 'Running' AND PsmAccount = '${account}'`;
  const cli = path.resolve(__dirname, '../../.tools/venv/bin/temporal');
  const count = (q: string): number => {
    const out = execFileSync(
      cli,
      ['workflow', 'count', '--address', temporalAddress(), '--query', q, '--output', 'json'],
      {
        encoding: 'utf8',
      },
    );
    return Number((JSON.parse(out) as { count?: string | number }).count ?? 0);
  };
  await waitUntil(async () => {
    // PsmAccount is upserted by the deal's first task: wait until both are visible.
    return count(query) === 2;
  }, 20_000);
  expect(count(`${query} AND StartTime < '${deployedAt}'`)).toBe(1);
  // ... and it is the deal started before the deployment.
  expect(count(`${query} AND StartTime < '${deployedAt}' AND WorkflowId = '${before}'`)).toBe(1);
  expect(count(`${query} AND StartTime < '${deployedAt}' AND WorkflowId = '${after}'`)).toBe(0);
});
