// Accounts and contacts through the real app and PostgreSQL (issue 11): creation into the public
// pool, duplicates (撞单) caught across full/half width, legal-form suffixes and spaces, credit-code
// validation, who sees what (masking outside the owner's line), the pool search and its paging.
// Claims are the account workflow's (C2): here an account is put on a rep's list by setting its
// projected owner, which is what a claim leaves in the read model.
import { startTestApp, type TestApp, type TestUser } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

const VALID_CODE = '91350100M000100Y43';
const OTHER_CODE = '91110000100010433L';

async function create(user: TestUser, body: Record<string, unknown>) {
  return app.api(user, 'POST', '/api/accounts', body);
}
async function created(user: TestUser, body: Record<string, unknown>): Promise<string> {
  const res = await create(user, body);
  expect({ status: res.status, error: res.body?.error }).toEqual({ status: 201, error: undefined });
  return res.body.id as string;
}
/** What a claim leaves in the read model: the account on `owner`'s list. */
async function holdFor(id: string, owner: TestUser) {
  await app.db.prisma.account.update({
    where: { id },
    data: { ownerId: owner.id, claimedAt: new Date(), funnelStep: 'listed' },
  });
}

describe('creating accounts and duplicates (撞单)', () => {
  it('creates into the public pool, with contacts, the credit code normalised', async () => {
    const { repA1 } = app.org;
    const res = await create(repA1, {
      name: '北京星河科技有限公司',
      creditCode: ' ９１３５０１００ｍ０００１００ｙ４３ ',
      industry: '制造业',
      region: '北京',
      tags: ['重点', '重点', 'ERP'],
      contacts: [
        { name: '李雷', title: 'CIO', phone: '13800000000', role: 'decision_maker', stance: 'sponsor' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: '北京星河科技有限公司',
      creditCode: VALID_CODE,
      holder: 'pool',
      ownerId: null,
      funnelStep: 'target',
      tags: ['重点', 'ERP'],
      masked: false,
      createdById: repA1.id,
      contacts: [{ name: '李雷', role: 'decision_maker', stance: 'sponsor' }],
    });
    const row = await app.db.prisma.account.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.normalizedName).toBe('北京星河科技');
  });

  it.each([
    ['full-width letters and brackets', 'ＡＣＭＥ（中国）科技有限公司', 'ACME(中国)科技'],
    ['a suffix variant', '上海云帆网络股份有限公司', '上海云帆网络有限公司'],
    ['spaces', '  深圳 蓝海 贸易 ', '深圳蓝海贸易有限责任公司'],
    ['a group suffix', '杭州远山（集团）有限公司', '杭州远山集团'],
    ['case', 'Acme Trading Co., Ltd.', 'ACME TRADING'],
  ])('refuses a duplicate that differs only by %s', async (_what, first, second) => {
    const id = await created(app.org.repA1, { name: first });
    const res = await create(app.org.repA2, { name: second });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'ACCOUNT_DUPLICATE',
      details: { matchedOn: 'normalizedName', accountId: id, name: first.trim(), holder: 'pool' },
    });
  });

  it('refuses a second account with the same credit code under another name', async () => {
    const res = await create(app.org.repA2, { name: '完全不同的名字', creditCode: VALID_CODE });
    expect(res.status).toBe(409);
    expect(res.body.error.details).toMatchObject({ matchedOn: 'creditCode', name: '北京星河科技有限公司' });
  });

  it('refuses an invalid credit code with its reason, and writes nothing', async () => {
    const before = await app.db.prisma.account.count();
    const wrongCheck = await create(app.org.repA1, {
      name: '校验位错误公司',
      creditCode: '91350100M000100Y44',
    });
    expect(wrongCheck.status).toBe(400);
    expect(wrongCheck.body.error).toMatchObject({
      code: 'CREDIT_CODE_INVALID',
      details: { problem: 'check_digit' },
    });
    const short = await create(app.org.repA1, { name: '长度错误公司', creditCode: '9135' });
    expect(short.body.error).toMatchObject({ code: 'CREDIT_CODE_INVALID', details: { problem: 'length' } });
    const punctuation = await create(app.org.repA1, { name: '（）' });
    expect(punctuation.status).toBe(400);
    expect(await app.db.prisma.account.count()).toBe(before);
  });

  it('says who holds a duplicate, masked outside the holder’s line', async () => {
    const { repA1, repB1, managerB, director, admin } = app.org;
    const id = await created(repB1, { name: '广州南方物流有限公司', creditCode: OTHER_CODE });
    await holdFor(id, repB1);
    const fromOtherLine = await create(repA1, { name: '广州南方物流' });
    expect(fromOtherLine.status).toBe(409);
    expect(fromOtherLine.body.error.details).toEqual({
      matchedOn: 'normalizedName',
      accountId: id,
      name: '广州南方物流有限公司',
      holder: 'colleague',
    });
    expect(fromOtherLine.body.error.localizedMessage).toContain('广州南方物流有限公司');
    for (const user of [managerB, director, admin]) {
      const inLine = await create(user, { name: '广州 南方物流 股份有限公司' });
      expect(inLine.body.error.details).toMatchObject({
        holder: 'line',
        ownerId: repB1.id,
        ownerName: '张伟',
      });
    }
    const own = await create(repB1, { name: '广州南方物流有限公司' });
    expect(own.body.error.details).toMatchObject({ holder: 'you', ownerId: repB1.id });
  });
});

describe('who sees what', () => {
  let held: string;
  beforeAll(async () => {
    held = await created(app.org.repB1, {
      name: '成都天府软件有限公司',
      industry: '软件',
      notes: '只给本线看',
      contacts: [{ name: '韩梅梅', phone: '13900000000' }],
    });
    await holdFor(held, app.org.repB1);
  });

  it('shows an account held outside the caller’s line masked: name and "held by a colleague" only', async () => {
    const res = await app.api(app.org.repA1, 'GET', `/api/accounts/${held}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: '成都天府软件有限公司',
      holder: 'colleague',
      masked: true,
      ownerId: null,
      ownerName: null,
      industry: null,
      notes: null,
      contacts: [],
    });
    const mgr = await app.api(app.org.managerA, 'GET', `/api/accounts/${held}`);
    expect(mgr.body.masked).toBe(true);
    const contacts = await app.api(app.org.repA1, 'GET', `/api/accounts/${held}/contacts`);
    expect(contacts.status).toBe(403);
  });

  it('shows it in full to the holder, their manager, the director and an admin', async () => {
    for (const user of [app.org.repB1, app.org.managerB, app.org.director, app.org.admin]) {
      const res = await app.api(user, 'GET', `/api/accounts/${held}`);
      expect(res.body).toMatchObject({
        masked: false,
        ownerId: app.org.repB1.id,
        ownerName: '张伟',
        notes: '只给本线看',
        contacts: [{ name: '韩梅梅' }],
      });
    }
  });

  it('lists the pool and the caller’s own for a rep, the line for a manager', async () => {
    const names = async (user: TestUser, query = '') =>
      (
        (await app.api(user, 'GET', `/api/accounts?limit=200${query}`)).body.accounts as {
          name: string;
          holder: string;
        }[]
      )
        .map((a) => `${a.holder}:${a.name}`)
        .sort();
    expect(await names(app.org.repA1)).not.toContain('line:成都天府软件有限公司');
    expect((await names(app.org.repA1)).some((n) => n.includes('成都天府软件'))).toBe(false);
    expect(await names(app.org.repB1, '&holder=mine')).toEqual(
      ['you:广州南方物流有限公司', 'you:成都天府软件有限公司'].sort(),
    );
    expect(await names(app.org.managerB, '&holder=line')).toEqual(
      ['line:广州南方物流有限公司', 'line:成都天府软件有限公司'].sort(),
    );
    expect(await names(app.org.managerA, '&holder=line')).toEqual([]);
    expect((await names(app.org.admin)).filter((n) => n.startsWith('line:'))).toHaveLength(2);
  });

  it('lets a rep change only their own accounts; a manager the pool and their line', async () => {
    const pool = await created(app.org.repA1, { name: '武汉江城电子' });
    const repOnPool = await app.api(app.org.repA1, 'PATCH', `/api/accounts/${pool}`, { industry: '电子' });
    expect(repOnPool.status).toBe(403);
    const mgrOnPool = await app.api(app.org.managerA, 'PATCH', `/api/accounts/${pool}`, { industry: '电子' });
    expect(mgrOnPool.body).toMatchObject({ industry: '电子' });
    const otherLine = await app.api(app.org.managerA, 'PATCH', `/api/accounts/${held}`, { industry: 'x' });
    expect(otherLine.status).toBe(403);
    const own = await app.api(app.org.repB1, 'PATCH', `/api/accounts/${held}`, {
      tags: ['A', 'B'],
      region: '成都',
    });
    expect(own.body).toMatchObject({ tags: ['A', 'B'], region: '成都' });
    const renameToDuplicate = await app.api(app.org.repB1, 'PATCH', `/api/accounts/${held}`, {
      name: '武汉江城电子有限公司',
    });
    expect(renameToDuplicate.status).toBe(409);
    expect(renameToDuplicate.body.error.details).toMatchObject({ accountId: pool, holder: 'pool' });
    const unchanged = await app.db.prisma.account.findUniqueOrThrow({ where: { id: held } });
    expect(unchanged.name).toBe('成都天府软件有限公司');
  });

  it('adds, changes and removes contacts on an account the caller may change', async () => {
    const { repB1, repA1 } = app.org;
    const added = await app.api(repB1, 'POST', `/api/accounts/${held}/contacts`, {
      name: '王芳',
      email: 'wang@example.com',
      role: 'evaluator',
      stance: 'neutral',
    });
    expect(added.status).toBe(201);
    const refused = await app.api(repA1, 'POST', `/api/accounts/${held}/contacts`, { name: '外人' });
    expect(refused.status).toBe(403);
    const badRole = await app.api(repB1, 'POST', `/api/accounts/${held}/contacts`, {
      name: 'x',
      role: 'boss',
    });
    expect(badRole.status).toBe(400);
    const patched = await app.api(repB1, 'PATCH', `/api/contacts/${added.body.id}`, {
      title: '采购经理',
      stance: 'sponsor',
    });
    expect(patched.body).toMatchObject({ title: '采购经理', stance: 'sponsor', email: 'wang@example.com' });
    expect((await app.api(repA1, 'DELETE', `/api/contacts/${added.body.id}`)).status).toBe(403);
    expect((await app.api(repB1, 'DELETE', `/api/contacts/${added.body.id}`)).status).toBe(204);
    expect((await app.api(repB1, 'DELETE', `/api/contacts/${added.body.id}`)).status).toBe(404);
    const list = await app.api(repB1, 'GET', `/api/accounts/${held}/contacts`);
    expect(list.body.contacts.map((c: { name: string }) => c.name)).toEqual(['韩梅梅']);
  });
});

describe('the pool search (公海)', () => {
  beforeAll(async () => {
    for (let i = 0; i < 25; i++) {
      await created(app.org.admin, {
        name: `苏州工业园${String(i).padStart(2, '0')}号精密制造有限公司`,
        industry: i % 2 ? '制造业' : '物流',
        region: i % 3 ? '江苏' : '上海',
        tags: i % 5 === 0 ? ['高潜'] : [],
      });
    }
  });

  it('finds by part of the name whatever the width, suffix or spaces, and by credit code', async () => {
    const q = encodeURIComponent('工业园０７号 精密制造股份有限公司');
    const res = await app.api(app.org.repA1, 'GET', `/api/pool?q=${q}`);
    expect(res.body.accounts.map((a: { name: string }) => a.name)).toEqual([
      '苏州工业园07号精密制造有限公司',
    ]);
    const byCode = await app.api(app.org.repA2, 'GET', `/api/pool?q=${VALID_CODE.toLowerCase()}`);
    expect(byCode.body.accounts.map((a: { name: string }) => a.name)).toEqual(['北京星河科技有限公司']);
  });

  it('filters by industry, region and tag and pages by cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/pool?q=${encodeURIComponent('苏州工业园')}&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
      const page: any = (await app.api(app.org.repA1, 'GET', query)).body;
      seen.push(...page.accounts.map((a: { name: string }) => a.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect([...seen].sort()).toEqual(seen);
    const filtered = await app.api(
      app.org.repA1,
      'GET',
      `/api/pool?q=${encodeURIComponent('苏州')}&industry=${encodeURIComponent('制造业')}&region=${encodeURIComponent('上海')}`,
    );
    // odd i (制造业) and i % 3 === 0 (上海): 3, 9, 15, 21
    expect(filtered.body.accounts.map((a: { name: string }) => a.name.slice(5, 7))).toEqual([
      '03',
      '09',
      '15',
      '21',
    ]);
    const tagged = await app.api(app.org.repA1, 'GET', `/api/pool?tag=${encodeURIComponent('高潜')}`);
    expect(tagged.body.accounts.map((a: { name: string }) => a.name.slice(5, 7))).toEqual([
      '00',
      '05',
      '10',
      '15',
      '20',
    ]);
  });

  it('shows only unclaimed accounts, to everyone', async () => {
    const res = await app.api(app.org.managerB, 'GET', `/api/pool?q=${encodeURIComponent('成都天府')}`);
    expect(res.body.accounts).toEqual([]);
    const bad = await app.api(app.org.repA1, 'GET', '/api/pool?cursor=%%%');
    expect(bad.status).toBe(400);
  });
});
