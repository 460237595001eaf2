// npm run process:preview against a real system (PostgreSQL read model, the Temporal dev server,
// the app's worker): deals sit at several milestones, and the preview of the next definition
// (fixtures/process-preview-next.ts: 方案评审 inserted, a 商务突破 gate, a 深度接触 criterion, the
// 技术突破1 stall SLA 30 -> 10 days) lists what each change does to each of them.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { approveInitiationGate, createDeal, startTestApp, type TestApp } from '../support/app';
import { temporalAddress } from '../support/temporal';
import { PSM_PROCESS } from '../../workflows/psm-process';

jest.setTimeout(90_000);
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const NEXT = path.join(__dirname, 'fixtures/process-preview-next.ts');
const DAY_MS = 24 * 60 * 60 * 1000;

let app: TestApp;
const deals: Record<'initiated' | 'deep' | 'tb1' | 'tb2', string> = {
  initiated: '',
  deep: '',
  tb1: '',
  tb2: '',
};

async function complete(id: string, milestone: string): Promise<void> {
  const def = PSM_PROCESS.milestones.find((m) => m.key === milestone)!;
  const keys = def.criteria.map((c) => c.key as string);
  const res = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/milestones`, {
    milestone,
    criteriaMet: def.rule === 'all' ? keys : keys.slice(0, 1),
    evidence: `minutes for ${milestone}`,
  });
  expect(res.status).toBe(200);
}

const ORDER = [
  'project_initiation',
  'deep_engagement',
  'technical_breakthrough_1',
  'technical_breakthrough_2',
];

beforeAll(async () => {
  app = await startTestApp();
  const reach = async (name: string, last: number) => {
    const id = await createDeal(app, { name, account: 'Preview Co', amount: 100_000 });
    await approveInitiationGate(app, id);
    for (const key of ORDER.slice(0, last + 1)) await complete(id, key);
    return id;
  };
  deals.initiated = await reach('Preview at initiation', 0);
  deals.deep = await reach('Preview at deep engagement', 1);
  deals.tb1 = await reach('Preview at TB1', 2);
  deals.tb2 = await reach('Preview at TB2', 3);
});
afterAll(async () => {
  await app?.stop();
});

const preview = (args: string[]) =>
  run('npx', ['tsx', 'src/cli/process-preview.ts', '--definition', NEXT, ...args], {
    cwd: ROOT,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress(), DATABASE_URL: app.db.url },
  });

test('lists the running deals each change affects', async () => {
  const { stdout } = await preview(['--json']);
  const result = JSON.parse(stdout);
  expect(result.dealsChecked).toBe(4);
  const find = (kind: string, milestone: string) =>
    result.changes.find((c: any) => c.change.kind === kind && c.change.milestone === milestone);
  const effectsOf = (kind: string, milestone: string) =>
    Object.fromEntries(find(kind, milestone).deals.map((d: any) => [d.deal.id, d.effect]));

  // The SLA cut: only the deal at 技术突破1, its stall due 20 days earlier.
  const sla = find('stall_sla_changed', 'technical_breakthrough_1');
  expect(sla).toMatchObject({ structural: false, change: { from: 30, to: 10 } });
  const slaEffects = effectsOf('stall_sla_changed', 'technical_breakthrough_1');
  expect(Object.keys(slaEffects)).toEqual([deals.tb1]);
  expect(slaEffects[deals.tb1]).toMatchObject({
    kind: 'due_moves',
    clock: 'stall',
    byDays: -20,
    overdue: false,
  });
  expect(Date.parse(slaEffects[deals.tb1].from) - Date.parse(slaEffects[deals.tb1].to)).toBe(20 * DAY_MS);

  // The new 深度接触 criterion: owed by the deal at 深度接触, needed next by the one at 项目立项.
  expect(effectsOf('criterion_added', 'deep_engagement')).toEqual({
    [deals.deep]: {
      kind: 'must_meet',
      milestone: 'deep_engagement',
      key: 'test_executive_visit_done',
      why: 'already_reached',
    },
    [deals.initiated]: {
      kind: 'must_meet',
      milestone: 'deep_engagement',
      key: 'test_executive_visit_done',
      why: 'next_milestone',
    },
  });
  // 方案评审 comes next for the deal at 技术突破1; the deal at 技术突破2 sits in a milestone that moves.
  expect(effectsOf('milestone_inserted', 'test_solution_review')).toEqual({
    [deals.tb1]: { kind: 'next_changes', from: 'technical_breakthrough_2', to: 'test_solution_review' },
  });
  expect(effectsOf('milestone_moved', 'technical_breakthrough_2')).toEqual({
    [deals.tb2]: { kind: 'sits_in_moved', milestone: 'technical_breakthrough_2', from: 3, to: 4 },
  });
  // The 商务突破 gate: the deal at 技术突破2 must have it approved to complete 商务突破.
  expect(effectsOf('gate_added', 'business_breakthrough')).toEqual({
    [deals.tb2]: {
      kind: 'must_meet',
      milestone: 'business_breakthrough',
      key: 'test_commercial_terms_approved',
      why: 'next_milestone',
    },
  });
  expect(find('gate_added', 'business_breakthrough').structural).toBe(true);
});

test('reads as sentences in Chinese and English', async () => {
  const [{ stdout: zh }, { stdout: en }] = await Promise.all([
    preview(['--locale', 'zh-CN']),
    preview(['--locale', 'en']),
  ]);
  expect(zh).toContain('技术突破1：停滞时限 30 → 10 天。');
  expect(zh).toContain('Preview at TB1');
  expect(zh).toContain('下一个里程碑 技术突破2 → 方案评审');
  expect(zh).toContain('结构性变更');
  expect(en).toContain('Technical breakthrough 1: stall SLA 30 → 10 days.');
  expect(en).toMatch(
    /Preview at TB1 \[[^\]]+\] \(Technical breakthrough 1\): stall escalation due .+ \(-20 days\)\./,
  );
  expect(en).toContain('4 running deals checked');
});
