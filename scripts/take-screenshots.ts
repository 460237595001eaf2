// Takes the README's screenshots of the pipeline board and the manager dashboard: starts the real
// stack on loopback (throwaway PostgreSQL, Temporal dev server, the app with its demo
// organisation and deals), signs in as the demo director with an API token, and saves
// docs/screenshots/{board,dashboard}.png (1440 px wide, zh-CN) and board-phone.png (390 px).
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
    const shoot = async (hash: string, file: string, width: number, height: number, ready: string) => {
      const context = await browser.newContext({
        viewport: { width, height },
        locale: 'zh-CN',
        deviceScaleFactor: 1,
      });
      await context.addInitScript((t) => {
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem('psm.apiToken', t);
      }, token);
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
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
