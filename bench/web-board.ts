// npm run bench:board — two figures of the web app's board and dashboard, each beside a bare baseline:
//
// 1. First load of the pipeline board with 500 open deals, to interactive, on loopback: a fresh
//    headless Chromium context (empty cache) per run opens /#/board signed in with an API token,
//    and the clock stops when all 500 cards are in the page and the first card's "move" button is
//    enabled (target < 1 s). Baseline: the same browser loading an empty HTML page from a bare
//    node:http server on loopback.
// 2. The dashboard's report calls at 100,000 deals (bench/seed-read-model.ts, as bench:reports
//    seeds them): funnel, forecast, movement, bottlenecks and the stalled list as the API runs them
//    (scope resolution included), one by one and all five at once as the page sends them, for a
//    manager's team, a director's line and the company (target p95 < 300 ms). Also the board's own
//    query. Baseline: a SELECT 1 round trip on the same connection pool.
//
// BENCH_RUNS (default 20), BENCH_DEALS / BENCH_EVENTS (default 100,000 / 1,000,000), BENCH_SKIP=load|reports.
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { issueApiToken } from '../src/auth/api-tokens';
import { migrate } from '../src/db/migrate';
import { createPrismaClient, type PrismaClient } from '../src/db/prisma';
import type { Actor } from '../src/auth/reporting-line';
import { buildBoard } from '../src/reports/build-board';
import { buildForecast } from '../src/reports/build-forecast';
import { buildFunnel } from '../src/reports/build-funnel';
import { findBottlenecks } from '../src/reports/find-bottlenecks';
import { listStalledDeals } from '../src/reports/list-stalled-deals';
import { measureMovement } from '../src/reports/measure-movement';
import { addDays, localDay, localDayStart } from '../src/reports/report-period';
import { resolveReportScope } from '../src/reports/resolve-report-scope';
import { buildWebApp } from '../src/web/build';
import { PSM_PROCESS } from '../workflows/psm-process';
import { startPgCluster } from '../scripts/lib/pg-cluster';
import { launchChromium } from '../test/support/browser';
import { percentile, startBenchStack } from './lib/stack';
import { seedReadModel } from './seed-read-model';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const BOARD_DEALS = 500;
const DEALS = Number(process.env.BENCH_DEALS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SKIP = process.env.BENCH_SKIP ?? '';
const DAY = 86_400_000;

/** What the page-side functions touch (this project's tsconfig has no DOM lib). */
interface PageGlobals {
  sessionStorage: { setItem(key: string, value: string): void };
  performance: { now(): number; getEntriesByType(type: string): { name: string; responseEnd: number }[] };
  document: {
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): { disabled: boolean } | null;
  };
}

interface Stats {
  p50: number;
  p95: number;
  max: number;
}
const stats = (ms: number[]): Stats => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), max: s[s.length - 1]! };
};
const row = (label: string, s: Stats, target?: number) =>
  `${label.padEnd(54)} ${s.p50.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)} ${s.max.toFixed(1).padStart(8)}` +
  (target !== undefined && s.p95 >= target ? `  ← over ${target} ms` : '');
const header = () =>
  `${''.padEnd(54)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function seedBoard(prisma: PrismaClient): Promise<{ token: string }> {
  const manager = await prisma.user.create({
    data: { name: 'Bench Manager', email: 'board.manager@bench.psm', role: 'manager', locale: 'zh_CN' },
  });
  const reps = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      prisma.user.create({
        data: {
          name: `Rep ${i}`,
          email: `board.rep${i}@bench.psm`,
          role: 'rep',
          managerId: manager.id,
          locale: 'zh_CN',
        },
      }),
    ),
  );
  const now = Date.now();
  await prisma.opportunity.createMany({
    data: Array.from({ length: BOARD_DEALS }, (_, i) => {
      const reached = (i % (PSM_PROCESS.milestones.length + 1)) - 1; // -1 .. 5, evenly
      const m = PSM_PROCESS.milestones[Math.max(0, reached)]!;
      return {
        id: `opp-${randomUUID()}`,
        name: `华东项目 ${i}`,
        account: `客户 ${i % 37}`,
        amount: 50_000 + ((i * 7919) % 2_000_000),
        ownerId: reps[i % reps.length]!.id,
        milestone: m.key,
        milestoneIndex: Math.max(0, reached),
        probability: reached < 0 ? 0 : m.winPct,
        status: i % 50 === 0 ? ('on_hold' as const) : ('open' as const),
        stageEnteredAt: new Date(now - ((i * 13) % 60) * DAY),
        stalled: i % 9 === 0,
        escalationLevel: i % 9 === 0 ? 1 : 0,
        noSponsorWarning: reached >= 2 && i % 5 === 0,
        createdAt: new Date(now - 90 * DAY),
      };
    }),
  });
  const { token } = await issueApiToken(prisma, { userId: manager.id, label: 'bench' });
  return { token };
}

async function timeBoardLoad(): Promise<void> {
  console.log(
    `\n## 1. board first load, ${BOARD_DEALS} open deals, loopback, ${RUNS} fresh browser contexts`,
  );
  const built = await buildWebApp();
  console.log(`web app built in ${Math.round(built.ms)} ms`);
  const stack = await startBenchStack({ withApp: true });
  const bare = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>empty</title></head><body></body></html>');
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  let browser: Browser | undefined;
  try {
    const { token } = await seedBoard(stack.prisma);
    browser = await launchChromium();
    const fresh = async () => {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
      await context.addInitScript((t) => {
        (globalThis as unknown as PageGlobals).sessionStorage.setItem('psm.apiToken', t);
      }, token);
      return context;
    };
    const baseline: number[] = [];
    const board: number[] = [];
    const inPage: number[] = [];
    const phases: Record<string, number[]> = {};
    for (let i = 0; i < RUNS + 2; i += 1) {
      // Baseline: an empty page, load event.
      let context = await fresh();
      let page = await context.newPage();
      let started = performance.now();
      await page.goto(bareUrl, { waitUntil: 'load' });
      const bareMs = performance.now() - started;
      await context.close();

      context = await fresh();
      page = await context.newPage();
      started = performance.now();
      await page.goto(`${stack.baseUrl}/#/board`, { waitUntil: 'commit' });
      const sinceNavigation = await page.waitForFunction(
        (n) => {
          const { document, performance: clock } = globalThis as unknown as PageGlobals;
          const cards = document.querySelectorAll('[data-deal-id]');
          const button = document.querySelector('[data-deal-id] .board-card-move');
          return cards.length >= n && button !== null && !button.disabled ? clock.now() : false;
        },
        BOARD_DEALS,
        { polling: 'raf', timeout: 30_000 },
      );
      const boardMs = performance.now() - started;
      const navMs = (await sinceNavigation.jsonValue()) as number;
      // Where the time went: when each request of the first load ended, since navigation.
      const ends = (await page.evaluate(() =>
        (globalThis as unknown as PageGlobals).performance
          .getEntriesByType('resource')
          .map((e) => [new URL(e.name).pathname, Math.round(e.responseEnd)] as const),
      )) as [string, number][];
      for (const [name, end] of ends) (phases[name] ??= []).push(end);
      await context.close();
      if (i < 2) continue; // warm the server's caches and plans
      baseline.push(bareMs);
      board.push(boardMs);
      inPage.push(navMs);
    }
    console.log(header());
    console.log(row('baseline: empty page (load event)', stats(baseline)));
    console.log(row('board: goto → 500 cards, move button ready', stats(board), 1000));
    console.log(row("board: same, the page's own clock (since navigation)", stats(inPage), 1000));
    console.log("\nfirst-load requests, each one's end since navigation (p50 ms):");
    for (const [name, ends] of Object.entries(phases)) {
      console.log(`  ${name.padEnd(52)} ${stats(ends).p50.toFixed(0).padStart(6)}`);
    }
  } finally {
    await browser?.close();
    bare.close();
    await stack.stop();
  }
}

const DASHBOARD_CALLS = ['funnel', 'forecast', 'movement', 'bottlenecks', 'stalled'] as const;
type Call = (typeof DASHBOARD_CALLS)[number] | 'board';

async function runCall(
  prisma: PrismaClient,
  call: Call,
  caller: Actor,
  period: { from: Date; to: Date },
  asOf: Date,
): Promise<void> {
  const scope = await resolveReportScope({ prisma, caller });
  const options = { prisma, scopeUserIds: scope.scopeUserIds, ...period };
  if (call === 'funnel') await buildFunnel(options);
  else if (call === 'forecast') await buildForecast(options);
  else if (call === 'movement') await measureMovement({ ...options, asOf });
  else if (call === 'bottlenecks') await findBottlenecks({ ...options, scopeUserIds: scope.teamUserIds });
  else if (call === 'stalled')
    await listStalledDeals({ prisma, scopeUserIds: scope.scopeUserIds, limit: 50 });
  else await buildBoard({ prisma, scopeUserIds: scope.scopeUserIds, perColumn: 500 });
}

async function timeMany(runs: number, fn: () => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < 3; i += 1) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    ms.push(performance.now() - started);
  }
  return stats(ms);
}

async function timeDashboardCalls(): Promise<void> {
  console.log(`\n## 2. dashboard report calls at ${DEALS.toLocaleString('en')} deals, ${RUNS} runs each`);
  const cluster = await startPgCluster();
  const prisma = createPrismaClient(cluster.url, { maxConnections: 10 });
  try {
    await migrate(cluster.url);
    const seeded = await seedReadModel({ databaseUrl: cluster.url, deals: DEALS, events: EVENTS });
    console.log(`seeded in ${seeded.seconds.toFixed(1)} s:`, seeded.rows);
    const [admin, director, manager] = await Promise.all([
      prisma.user.findFirstOrThrow({ where: { role: 'admin' } }),
      prisma.user.findFirstOrThrow({ where: { role: 'director' }, orderBy: { name: 'asc' } }),
      prisma.user.findFirstOrThrow({ where: { role: 'manager' }, orderBy: { name: 'asc' } }),
    ]);
    const latest = await prisma.opportunityEvent.aggregate({ _max: { occurredAt: true } });
    const asOf = new Date((latest._max.occurredAt ?? new Date()).getTime() + 60_000);
    // The last 90 whole local days, as the dashboard sends them (date-only bounds).
    const to = addDays(localDayStart(localDay(asOf)), 1);
    const period = { from: addDays(to, -90), to };
    const cases: { label: string; caller: Actor }[] = [
      { label: `team (${manager.name})`, caller: { id: manager.id, role: 'manager' } },
      { label: `line (${director.name})`, caller: { id: director.id, role: 'director' } },
      { label: 'company (admin)', caller: { id: admin.id, role: 'admin' } },
    ];
    console.log(`load average before: ${load()}`);
    const lines: string[] = [header()];
    lines.push(row('baseline: SELECT 1 round trip', await timeMany(RUNS, () => prisma.$queryRaw`SELECT 1`)));
    for (const c of cases) {
      for (const call of [...DASHBOARD_CALLS, 'board'] as const) {
        const s = await timeMany(RUNS, () => runCall(prisma, call, c.caller, period, asOf));
        lines.push(row(`${call.padEnd(12)} ${c.label}`, s, 300));
      }
      const all = await timeMany(RUNS, () =>
        Promise.all(DASHBOARD_CALLS.map((call) => runCall(prisma, call, c.caller, period, asOf))),
      );
      lines.push(row(`${'all 5 at once'.padEnd(12)} ${c.label}`, all, 300));
    }
    console.log(`load average after:  ${load()}`);
    console.log(lines.join('\n'));
  } finally {
    await prisma.$disconnect();
    cluster.stop();
  }
}

async function main(): Promise<void> {
  console.log(`bench:board on ${os.cpus().length} cores, load average ${load()}`);
  if (!SKIP.includes('load')) await timeBoardLoad();
  if (!SKIP.includes('reports')) await timeDashboardCalls();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
