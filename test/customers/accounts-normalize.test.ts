// The account-name normaliser (撞单) and the credit-code check (GB 32100-2015), and the proof that
// the migration's SQL twin account_normalized_name() gives the same answers as the TypeScript one.
import { createTestDatabase, type TestDatabase } from '../support/database';
import { normalizeAccountName, searchGrams } from '../../src/customers/normalize-name';
import {
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
  normalizeCreditCode,
} from '../../src/customers/credit-code';

const SAME_CUSTOMER: [string, string][] = [
  // full-width letters, digits, brackets and the ideographic space
  ['ＡＢＣ科技有限公司', 'ABC科技有限公司'],
  ['华为技术（深圳）有限公司', '华为技术(深圳)有限公司'],
  ['北京　某某　科技', '北京某某科技'],
  ['１２３网络', '123网络'],
  // legal-form suffix variants
  ['北京某某科技有限公司', '北京某某科技股份有限公司'],
  ['北京某某科技有限责任公司', '北京某某科技'],
  ['某某集团有限公司', '某某'],
  ['某某（集团）股份有限公司', '某某集团'],
  ['某某公司', '某某有限公司'],
  // spaces and case
  ['  北京 某某 科技 有限 公司 ', '北京某某科技有限公司'],
  ['Acme Trading Co., Ltd.', 'ACME TRADING'],
  ['Acme Trading Limited', 'acme trading co ltd'],
  ['Big Corp', 'BIG corporation'],
];

const DIFFERENT: [string, string][] = [
  ['北京某某科技', '上海某某科技'],
  ['某某科技', '某某网络'],
  ['Zinc', 'Z'], // "inc" only counts after a separator
  ['Tesco', 'Tes'], // so does "co"
  ['某某(北京)科技', '某某科技'],
];

describe('normalizeAccountName', () => {
  it.each(SAME_CUSTOMER)('%s is the same customer as %s', (a, b) => {
    expect(normalizeAccountName(a)).toBe(normalizeAccountName(b));
  });
  it.each(DIFFERENT)('%s is not %s', (a, b) => {
    expect(normalizeAccountName(a)).not.toBe(normalizeAccountName(b));
  });
  it('keeps a name that is nothing but a legal form', () => {
    expect(normalizeAccountName('有限公司')).toBe('有限公司');
    expect(normalizeAccountName('  Ｌｔｄ ')).toBe('ltd');
  });
});

describe('credit code (统一社会信用代码)', () => {
  // Published codes of real companies: their check characters are what GB 32100 computes.
  it.each(['91350100M000100Y43', '91110000100010433L', '91440300708461136T', '911100007109288314'])(
    '%s is valid',
    (code) => expect(creditCodeProblem(code)).toBeNull(),
  );
  it('computes the check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeCheckChar('91110000100010433')).toBe('L');
  });
  it('refuses a wrong check character, a wrong length and characters outside the set', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('check_digit');
    expect(creditCodeProblem('91110000100010433M')).toBe('check_digit');
    expect(creditCodeProblem('91350100M000100Y4')).toBe('length');
    expect(creditCodeProblem('91350100M000100Y433')).toBe('length');
    expect(creditCodeProblem('91350100O000100Y43')).toBe('character'); // O is not in the set
    expect(creditCodeProblem('91350100I000100Y43')).toBe('character');
  });
  it('takes full-width, lower case and spaced input', () => {
    expect(normalizeCreditCode(' ９１３５０１００ｍ０００１００ｙ４３ ')).toBe('91350100M000100Y43');
    expect(isValidCreditCode('91110000 10001 0433l')).toBe(true);
    expect(isValidCreditCode('91110000100010433X')).toBe(false);
  });
});

describe('account_normalized_name() in SQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  it('agrees with normalizeAccountName on every name above and more', async () => {
    const names = [
      ...SAME_CUSTOMER.flat(),
      ...DIFFERENT.flat(),
      '有限公司',
      '  Ｌｔｄ ',
      'École Inc.',
      'x.,co.,ltd',
      'abc\tdef\n',
      'Müller GmbH',
    ];
    const rows = await db.prisma.$queryRaw<{ raw: string; sql: string }[]>`
      SELECT raw, account_normalized_name(raw) AS sql FROM unnest(${names}::text[]) AS raw`;
    expect(rows.map((r) => [r.raw, r.sql])).toEqual(names.map((n) => [n, normalizeAccountName(n)]));
  });

  it('keeps grams that contain every query gram of any part of the name (the pool search index)', async () => {
    const name = normalizeAccountName('深圳华信科技（集团）有限公司');
    expect(searchGrams('华')).toEqual(['华']);
    expect(searchGrams('华信科')).toEqual(['华信', '信科']);
    const parts = ['深', '圳华', '华信科技', name, '科'];
    const [row] = await db.prisma.$queryRaw<
      { grams: string[] }[]
    >`SELECT account_name_grams(${name}) AS grams`;
    for (const part of parts) expect(row!.grams).toEqual(expect.arrayContaining(searchGrams(part)));
    expect(row!.grams).not.toEqual(expect.arrayContaining(searchGrams('华科')));
    // The trigger keeps an account's grams whoever writes it.
    const user = await db.prisma.user.create({ data: { name: 'g', email: 'g@test.psm', role: 'rep' } });
    await db.prisma.account.create({
      data: { id: 'acc-'.padEnd(36, '0'), name: 'x', normalizedName: '甲乙', createdById: user.id },
    });
    await db.prisma.account.update({
      where: { id: 'acc-'.padEnd(36, '0') },
      data: { normalizedName: '丙丁' },
    });
    const account = await db.prisma.account.findUniqueOrThrow({ where: { id: 'acc-'.padEnd(36, '0') } });
    expect([...account.nameGrams].sort()).toEqual(['丁', '丙', '丙丁'].sort());
  });
});
