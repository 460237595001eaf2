// A leaked or default LINK_SECRET alone must not let anyone act: the forger also needs a link id
// that was issued, and ids are random. The attack of issue 9 item 8, replayed: a rep who knows
// the secret derives the id of their manager's approve link from the notification key (which
// names only the deal and approval), guesses the expiry, signs, and tries the link.
import { createHash } from 'node:crypto';
import { createEmailActivities, type EmailActivities } from '../../activities/email';
import { createActionLinks, signToken, type ActionLinks } from '../../src/links';
import { createMailTransport } from '../../src/mail/transport';
import { approvalFacts, createUser, dealFacts } from '../mail/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';

const SECRET = 'the-secret-everybody-knows'.padEnd(48, '#');
const BASE = 'https://psm.example.test';

/** How link ids were derived before they became random: sha256 of the notification key and action. */
const oldDerivedId = (key: string, action: string): string =>
  createHash('sha256').update(`psm-link\0${key}\0${action}`).digest('base64url').slice(0, 32);

describe('forged links with a known secret', () => {
  let db: TestDatabase;
  let links: ActionLinks;
  let activities: EmailActivities;
  const sender = createMailTransport({ smtpUrl: undefined, tlsRejectUnauthorized: true });

  beforeAll(async () => {
    db = await createTestDatabase();
    links = createActionLinks({ prisma: db.prisma, secret: SECRET, publicBaseUrl: BASE, ttlHours: 72 });
    activities = createEmailActivities({
      prisma: db.prisma,
      sender,
      from: 'PSM <psm@x.test>',
      publicBaseUrl: BASE,
      links,
    });
  });
  afterAll(async () => {
    sender.close();
    await db.drop();
  });

  it('refuses a token whose id was guessed, even with the right secret and expiry', async () => {
    const manager = await createUser(db.prisma, { locale: 'en' });
    const rep = await createUser(db.prisma, { role: 'rep' });
    const approval = approvalFacts({ requestedById: rep.id, approverId: manager.id });
    const deal = dealFacts({ ownerId: rep.id });
    const key = `${deal.opportunityId}:approval:${approval.id}:request`;
    await activities.sendNotification({
      key,
      template: 'approval_request',
      recipientUserId: manager.id,
      level: 1,
      deal,
      approval,
    } as Parameters<EmailActivities['sendNotification']>[0]);

    const rows = await db.prisma.actionToken.findMany({ where: { userId: manager.id } });
    const approveRow = rows.find((r) => r.action === 'approve')!;
    expect(approveRow).toBeDefined();
    // The genuine mailed link works.
    const mail = await db.prisma.emailMessage.findUniqueOrThrow({ where: { idempotencyKey: key } });
    const genuine = [...mail.text.matchAll(/\/email-actions\/([A-Za-z0-9._-]+)/g)].map((m) => m[1]!);
    expect(genuine).toHaveLength(2);
    for (const token of genuine) await expect(links.verify(token)).resolves.toBeDefined();

    // The forger's best case: the exact expiry, the right secret, the id derived from the key.
    const forged = signToken(
      {
        jti: oldDerivedId(key, 'approve'),
        action: 'approve',
        subjectId: approval.id,
        opportunityId: deal.opportunityId,
        userId: manager.id,
        exp: Math.floor(approveRow.expiresAt.getTime() / 1000),
      },
      SECRET,
    );
    await expect(links.verify(forged)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    await expect(links.redeem(forged, {}, async () => 'acted')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('mints 192-bit random ids, a new one per link, each stored', async () => {
    const user = await createUser(db.prisma);
    const issued = await Promise.all(
      Array.from({ length: 20 }, () =>
        links.issue({ action: 'acknowledge', subjectId: 'opp-r', opportunityId: 'opp-r', userId: user.id }),
      ),
    );
    const ids = issued.map((l) => l.jti);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await db.prisma.actionToken.count({ where: { id: { in: ids } } })).toBe(ids.length);
  });
});
