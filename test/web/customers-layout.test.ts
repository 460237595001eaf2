// Every customer page (issue 11) at a phone's 390 px and a desktop's 1280 px: no sideways scroll
// on the phone, no serious or critical axe-core (WCAG 2.1 A/AA) violation at either width, for a
// rep in English and a manager in Chinese, each page with content in it (long unbroken names,
// tags, contacts, an import report with refused lines).
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestApp, type TestApp, type TestUser } from '../support/app';
import { openPage, scrollsSideways, seriousAxeViolations, setLocale, signInWithToken } from './helpers';

jest.setTimeout(120_000);

let app: TestApp;
let browser: Browser;
let accountId: string;

const CSV = Buffer.from(
  ['name,creditCode,industry', '长名称测试客户有限公司,,软件', 'Bad code Ltd,123,Software', ',,'].join('\n'),
  'utf8',
);

beforeAll(async () => {
  [app, browser] = await Promise.all([startTestApp(), launchChromium()]);
  await setLocale(app, app.org.repA1, 'en');
  await setLocale(app, app.org.managerA, 'zh-CN');
  const names = [
    '江南银行数据平台二期扩容项目客户-' + 'X'.repeat(40),
    '上海浦东新区国际物流集团股份有限公司',
    'Very Long English Account Name Holdings International Limited',
  ];
  const created: string[] = [];
  for (const [i, name] of names.entries()) {
    const res = await app.api(app.org.admin, 'POST', '/api/accounts', {
      name,
      industry: i === 0 ? '金融' : 'Logistics',
      region: '上海',
      tags: ['重点客户', 'tag-' + 'y'.repeat(30)],
      contacts: [
        {
          name: '王总',
          title: '首席信息官',
          role: 'decision_maker',
          stance: 'sponsor',
          phone: '13800000000',
        },
      ],
    });
    expect(res.status).toBe(201);
    created.push((res.body as { id: string }).id);
  }
  accountId = created[0]!;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

interface View {
  name: string;
  hash: () => string;
  ready: (page: Page) => Promise<void>;
  users: (org: TestApp['org']) => TestUser[];
}

const VIEWS: View[] = [
  {
    name: 'pool',
    hash: () => '#/pool',
    ready: (p) => p.locator('#pool-table').waitFor(),
    users: (o) => [o.repA1, o.managerA],
  },
  {
    name: 'account',
    hash: () => `#/accounts/${accountId}`,
    ready: (p) => p.locator('#account-contacts').waitFor(),
    users: (o) => [o.repA1, o.managerA],
  },
  {
    name: 'import with a report',
    hash: () => '#/accounts/import',
    ready: async (p) => {
      await p.locator('#import-file').setInputFiles({ name: 'a.csv', mimeType: 'text/csv', buffer: CSV });
      await p.locator('#import-dry-run').click();
      await p.locator('#import-report').waitFor();
    },
    users: (o) => [o.repA1],
  },
  {
    name: 'assign',
    hash: () => '#/assign',
    ready: (p) => p.locator('#assign-form').waitFor(),
    users: (o) => [o.managerA],
  },
];

async function check(page: Page, what: string, phone: boolean): Promise<string[]> {
  const problems: string[] = [];
  if (phone) {
    const { scrollWidth, width } = await scrollsSideways(page);
    if (scrollWidth > width)
      problems.push(`${what}: scrolls sideways (${scrollWidth} px content in ${width} px)`);
  }
  for (const v of await seriousAxeViolations(page))
    problems.push(
      `${what}: axe ${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
    );
  return problems;
}

describe('customer pages: layouts and accessibility', () => {
  for (const phone of [true, false]) {
    it(`no sideways scroll and no serious axe violation ${phone ? 'at 390 px' : 'at 1280 px'}`, async () => {
      const size = phone ? { width: 390, height: 844 } : { width: 1280, height: 900 };
      const problems: string[] = [];
      const users = [app.org.repA1, app.org.managerA];
      for (const user of users) {
        const views = VIEWS.filter((v) => v.users(app.org).includes(user));
        if (views.length === 0) continue;
        const { page, context, errors } = await openPage(browser, size);
        await signInWithToken(app, page, user);
        for (const view of views) {
          await page.goto(`${app.baseUrl}/${view.hash()}`);
          await view.ready(page);
          problems.push(...(await check(page, `${view.name} (${user.email})`, phone)));
          if (phone)
            await page.screenshot({
              path: `/tmp/psm-390-customers-${view.name.replace(/\W+/g, '-')}.png`,
              fullPage: true,
            });
        }
        expect(errors).toEqual([]);
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
