// Deals belong to accounts (issue 11): a deal created through the API is linked, once projected, to
// the account whose normalised name its account string has (full width, suffix and spaces aside),
// or to a new account held by the deal's owner; the account page lists it for those who may see it.
import { createDeal, startTestApp, type TestApp } from '../support/app';
import { waitUntil } from '../support/wait';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const accountIdOf = (dealId: string) =>
  waitUntil(
    async () =>
      (await app.db.prisma.opportunity.findUnique({ where: { id: dealId }, select: { accountId: true } }))
        ?.accountId,
    20_000,
    `deal ${dealId} projected with its account`,
  );

it('links a deal to the existing account whatever the width, suffix or spaces of its name', async () => {
  const account = await app.api(app.org.managerA, 'POST', '/api/accounts', { name: '宁波海港物流有限公司' });
  expect(account.status).toBe(201);
  const deal = await createDeal(app, {
    name: '仓储系统',
    account: '宁波 海港物流 股份有限公司',
    amount: 80_000,
  });
  expect(await accountIdOf(deal)).toBe(account.body.id);
  const page = await app.api(app.org.repA1, 'GET', `/api/accounts/${account.body.id}`);
  expect(page.body.deals).toEqual([
    expect.objectContaining({ id: deal, name: '仓储系统', ownerId: app.org.repA1.id, amount: 80_000 }),
  ]);
  // Someone outside the deal owner's line sees the account, not the deal.
  const other = await app.api(app.org.repB1, 'GET', `/api/accounts/${account.body.id}`);
  expect({ deals: other.body.deals, otherDeals: other.body.otherDeals }).toEqual({
    deals: [],
    otherDeals: 1,
  });
});

it('creates the account of a deal with a new name, held by the deal owner at step intent', async () => {
  const deal = await createDeal(app, { name: '新客户首单', account: 'ＺＥＮＩＴＨ 电气', amount: 5_000 });
  const accountId = await accountIdOf(deal);
  const account = await app.db.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
  expect(account).toMatchObject({
    name: 'ＺＥＮＩＴＨ 电气',
    normalizedName: 'zenith电气',
    ownerId: app.org.repA1.id,
    createdById: app.org.repA1.id,
    funnelStep: 'intent',
  });
  // A second deal on the same customer, spelled differently, joins it; creating the account by
  // hand now is a duplicate.
  const second = await createDeal(app, { name: '二期', account: 'Zenith电气有限公司', amount: 6_000 });
  expect(await accountIdOf(second)).toBe(accountId);
  const dup = await app.api(app.org.repA2, 'POST', '/api/accounts', { name: 'zenith 电气' });
  expect(dup.body.error).toMatchObject({ code: 'ACCOUNT_DUPLICATE', details: { holder: 'colleague' } });
});
