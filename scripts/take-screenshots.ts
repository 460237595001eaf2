// Takes the README's screenshots of the pipeline board and the manager dashboard: starts the real
// stack on loopback (throwaway PostgreSQL, Temporal dev server, the app with its demo
// organisation and deals), signs in as the demo director with an API token, and saves
// docs/screenshots/{board,dashboard}.png (1440 px wide, zh-CN) and board-phone.png (390 px); then
// puts a few accounts in the public pool and saves the demo rep 张伟's view of it (pool.png).
// Chinese text needs a CJK font on the machine (Debian: fonts-noto-cjk), or it shows as boxes.
//   npx tsx scripts/take-screenshots.ts
import path from 'node:path';
import { issueApiToken } from '../src/auth/api-tokens';
import { projectRoot } from '../src/paths';
import { buildWebApp } from '../src/web/build';
import { startBenchStack } from '../bench/lib/stack';
import { launchChromium } from '../test/support/browser';

const OUT = path.join(projectRoot(), 'docs', 'screenshots');

async function main(): Promise<void> {
  await buildWebApp();
  const stack = await startBenchStack({ withApp: true, env: { DEMO_SEED: 'true' } });
  const browser = await launchChromium();
  try {
    const director = await stack.prisma.user.findFirstOrThrow({ where: { role: 'director' } });
    // The demo deals are started by the app after it answers: wait until they are all projected.
    for (let i = 0; i < 300 && (await stack.prisma.opportunity.count()) < 5; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 3000));
    const { token } = await issueApiToken(stack.prisma, {
      userId: director.id,
      label: 'screenshots',
      ttlDays: 1,
    });
    const shoot = async (
      hash: string,
      file: string,
      width: number,
      height: number,
      ready: string,
      as: string = token,
    ) => {
      const context = await browser.newContext({
        viewport: { width, height },
        locale: 'zh-CN',
        deviceScaleFactor: 1,
      });
      await context.addInitScript((t) => {
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem('psm.apiToken', t);
      }, as);
      const page = await context.newPage();
      await page.goto(`${stack.baseUrl}/${hash}`);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(800);
      await page.screenshot({ path: path.join(OUT, file), fullPage: true });
      await context.close();
      process.stdout.write(`saved docs/screenshots/${file}\n`);
    };
    await shoot('#/board', 'board.png', 1440, 900, '[data-deal-id]');
    await shoot('#/board', 'board-phone.png', 390, 844, '[data-deal-id]');
    await shoot('#/dashboard', 'dashboard.png', 1440, 900, '#dash-funnel-chart[data-rendered=true] svg');

    // Customers (issue 11): pool accounts created through the API.
    const tokenOf = async (email: string) =>
      (
        await issueApiToken(stack.prisma, {
          userId: (await stack.prisma.user.findUniqueOrThrow({ where: { email } })).id,
          label: 'screenshots',
          ttlDays: 1,
        })
      ).token;
    const call = async (as: string, method: string, url: string, body: unknown) => {
      const res = await fetch(stack.baseUrl + url, {
        method,
        headers: { Authorization: `Bearer ${as}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const admin = await tokenOf('admin@demo.psm');
    const rep = await tokenOf('zhang.rep@demo.psm');
    for (const a of SCREENSHOT_ACCOUNTS) await call(admin, 'POST', '/api/accounts', a);
    await shoot('#/pool', 'pool.png', 1440, 900, '#pool-table', rep);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

// Demo customers for the pool screenshots (data, like the demo organisation).
const SCREENSHOT_ACCOUNTS = [
  { name: '江南农商银行', industry: '金融', region: '江苏', tags: ['重点'] },
  { name: '杭州云栖科技有限公司', industry: '软件', region: '浙江', tags: ['续约'] },
  { name: '宁波港务物流集团', industry: '物流', region: '浙江', tags: [] },
  { name: '苏州园区智造有限公司', industry: '制造', region: '江苏', tags: ['新需求'] },
  { name: '上海申城医疗科技', industry: '医疗', region: '上海', tags: ['重点'] },
  { name: '合肥新能源汽车零部件有限公司', industry: '制造', region: '安徽', tags: [] },
  { name: '南京紫金数据服务有限公司', industry: '软件', region: '江苏', tags: ['竞品到期'] },
];

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
