import { createActionLinks, type ActionLinks } from '../../src/links';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createUser } from '../mail/fixtures';

const secret = 'test-link-secret-'.padEnd(40, 'x');

describe('action links (real PostgreSQL)', () => {
  let db: TestDatabase;
  let links: ActionLinks;
  beforeAll(async () => {
    db = await createTestDatabase();
    links = createActionLinks({
      prisma: db.prisma,
      secret,
      publicBaseUrl: 'https://psm.example.test',
      ttlHours: 72,
    });
  });
  afterAll(async () => db.drop());

  const issueFor = async (userId: string, extra: { expiresAt?: Date } = {}) =>
    links.issue({ action: 'approve', subjectId: 'apr-1', opportunityId: 'opp-1', userId, ...extra });

  it('issue stores the token row and builds the email-actions URL; verify returns payload and user', async () => {
    const user = await createUser(db.prisma, { locale: 'en', name: 'Ann' });
    const link = await issueFor(user.id);
    expect(link.url).toBe(`https://psm.example.test/email-actions/${link.token}`);
    const row = await db.prisma.actionToken.findUniqueOrThrow({ where: { id: link.jti } });
    expect(row).toMatchObject({ action: 'approve', subjectId: 'apr-1', userId: user.id, usedAt: null });
    expect(Math.abs(row.expiresAt.getTime() - (Date.now() + 72 * 3_600_000))).toBeLessThan(5_000);
    const verified = await links.verify(link.token);
    expect(verified.payload).toMatchObject({
      action: 'approve',
      subjectId: 'apr-1',
      opportunityId: 'opp-1',
      userId: user.id,
    });
    expect(verified.user).toEqual({ id: user.id, name: 'Ann', locale: 'en' });
  });

  it('refuses expired, used, forged-but-unissued, inactive-user and wrong-user tokens with their codes', async () => {
    const user = await createUser(db.prisma);
    const expired = await issueFor(user.id, { expiresAt: new Date(Date.now() - 1000) });
    await expect(links.verify(expired.token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
    await expect(links.redeem(expired.token, {}, async () => 'done')).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });

    const used = await issueFor(user.id);
    await links.redeem(used.token, {}, async () => undefined);
    await expect(links.verify(used.token)).rejects.toMatchObject({ code: 'TOKEN_USED' });
    const consumed = await issueFor(user.id);
    await expect(links.consume(consumed.token)).resolves.toMatchObject({ user: { id: user.id } });
    await expect(links.consume(consumed.token)).rejects.toMatchObject({ code: 'TOKEN_USED' });

    // Validly signed, but no row: a token we never issued (e.g. leaked key, wiped database).
    const other = createActionLinks({ prisma: db.prisma, secret, publicBaseUrl: 'x', ttlHours: 1 });
    const issued = await other.issue({
      action: 'acknowledge',
      subjectId: 'opp-1',
      opportunityId: 'opp-1',
      userId: user.id,
    });
    await db.prisma.actionToken.delete({ where: { id: issued.jti } });
    await expect(links.verify(issued.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    const wrongUser = await issueFor(user.id);
    const someoneElse = await createUser(db.prisma);
    await expect(links.verify(wrongUser.token, { actingUserId: someoneElse.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(links.verify(wrongUser.token, { actingUserId: user.id })).resolves.toBeDefined();

    const leaver = await createUser(db.prisma, { active: false });
    const forLeaver = await issueFor(leaver.id);
    await expect(links.redeem(forLeaver.token, {}, async () => 'done')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(
      (await db.prisma.actionToken.findUniqueOrThrow({ where: { id: forLeaver.jti } })).usedAt,
    ).toBeNull();
  });

  it('honours a token exactly once under concurrent redemption', async () => {
    const user = await createUser(db.prisma);
    const link = await issueFor(user.id);
    let performed = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        links.redeem(link.token, {}, async () => {
          performed += 1;
          await new Promise((r) => setTimeout(r, 50));
        }),
      ),
    );
    expect(performed).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: 'TOKEN_USED' });
    }
  });

  it('releases the claim when the action fails, so the same link can be used again', async () => {
    const user = await createUser(db.prisma);
    const link = await issueFor(user.id);
    await expect(
      links.redeem(link.token, {}, async () => {
        throw new Error('worker down');
      }),
    ).rejects.toThrow('worker down');
    expect((await db.prisma.actionToken.findUniqueOrThrow({ where: { id: link.jti } })).usedAt).toBeNull();
    await expect(links.redeem(link.token, {}, async () => 'ok')).resolves.toBe('ok');
    expect(
      (await db.prisma.actionToken.findUniqueOrThrow({ where: { id: link.jti } })).usedAt,
    ).not.toBeNull();
  });
});
