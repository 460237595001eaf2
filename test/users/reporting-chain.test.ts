// The reporting line read in one statement against real PostgreSQL: nearest manager first, up to
// the top; a cycle (a data error the users API refuses, but a database can hold) and an over-long
// chain end the walk instead of looping; the admin is the earliest active one; an unknown user
// has no line.
import { randomUUID } from 'node:crypto';
import { readReportingLine, reportingChain } from '../../src/users/reporting-chain';
import { createTestDatabase, type TestDatabase } from '../support/database';

jest.setTimeout(40_000);

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function user(
  role: 'admin' | 'director' | 'manager' | 'rep',
  managerId: string | null,
  extra: { active?: boolean; createdAt?: Date } = {},
): Promise<string> {
  const row = await db.prisma.user.create({
    data: { name: role, email: `${randomUUID()}@chain.test`, role, managerId, ...extra },
  });
  return row.id;
}

it('reads a rep line nearest first, with the user, the activity flag and the earliest active admin', async () => {
  await user('admin', null, { active: false, createdAt: new Date('2020-01-01') });
  const admin = await user('admin', null, { createdAt: new Date('2021-01-01') });
  await user('admin', null, { createdAt: new Date('2022-01-01') });
  const vp = await user('director', null);
  const director = await user('director', vp);
  const manager = await user('manager', director);
  const rep = await user('rep', manager, { active: false });

  expect(await readReportingLine(db.prisma, rep)).toEqual({
    userId: rep,
    managerId: manager,
    directorId: director,
    chain: [manager, director, vp],
    active: false,
    adminId: admin,
  });
  expect(await reportingChain(db.prisma, rep)).toEqual([manager, director, vp]);
  expect(await reportingChain(db.prisma, vp)).toEqual([]);
  const top = await readReportingLine(db.prisma, vp);
  expect(top).toMatchObject({ managerId: null, directorId: null, chain: [], active: true });
});

it('ends the walk at a cycle and at twenty managers', async () => {
  const a = await user('manager', null);
  const b = await user('manager', a);
  const rep = await user('rep', b);
  // The API refuses this; the walk must still end when the data holds it.
  await db.prisma.user.update({ where: { id: a }, data: { managerId: rep } });
  expect(await reportingChain(db.prisma, rep)).toEqual([b, a, rep]);

  let above: string | null = null;
  const ladder: string[] = [];
  for (let i = 0; i < 25; i += 1) {
    above = await user('manager', above);
    ladder.unshift(above);
  }
  const bottom = await user('rep', above);
  const chain = await reportingChain(db.prisma, bottom);
  expect(chain).toHaveLength(20);
  expect(chain).toEqual(ladder.slice(0, 20));
});

it('has no line for a user the directory does not have', async () => {
  expect(await readReportingLine(db.prisma, randomUUID())).toBeNull();
  expect(await readReportingLine(db.prisma, 'not-a-user-id')).toBeNull();
  expect(await reportingChain(db.prisma, randomUUID())).toEqual([]);
});
