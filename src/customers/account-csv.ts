// CSV import and export of accounts and contacts (issue 11).
//
// A file is UTF-8 (with or without a BOM) or GB18030 (what Excel in China writes): bytes that are
// valid UTF-8 are read as UTF-8, anything else as GB18030. One record is one account and at most one
// contact; several records of the same account add its contacts. Headers are the column keys
// (name, creditCode, ...) or their labels in either language (accounts.json `columns`).
//
// The dry run and the real import make the same plan, line by line: create (a new account, into
// the public pool), merge (the account exists and the importer may change it: empty fields are
// filled, tags added, the contact added unless it is there) or refuse (with a reason code).
// Refusals are per line: the real import writes every other line, all in one transaction, so a
// failure part-way writes nothing. A file refused as a whole (encoding, header, broken quoting, too
// many rows) writes nothing at all. The real import is idempotent per importer and file (sha-256
// of the bytes): the same file again answers its first report and writes nothing.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import type { Prisma, PrismaClient } from '../db/prisma';
import type { Actor } from '../auth/reporting-line';
import { AppError } from '../errors/app-error';
import { CATALOGS } from '../i18n/catalogs';
import { resolveLocale, type TLocale } from '../i18n/locales';
import { translator } from '../i18n/translator';
import type { Account as AccountRow } from '../generated/prisma/client';
import { accountScope, holderOf, mayEdit, type AccountScope } from './account-access';
import {
  ACCOUNT_LIMITS,
  ZContactInputSchema,
  ZCreateAccountSchema,
  type ExportQuery,
  type ImportLine,
  type ImportReason,
  type ImportReport,
} from './account-schemas';
import { accountWhere, contactData, newAccountId, newContactId } from './accounts';
import { creditCodeProblem, normalizeCreditCode } from './credit-code';
import { normalizeAccountName } from './normalize-name';

export const COLUMNS = [
  'name',
  'creditCode',
  'industry',
  'region',
  'size',
  'source',
  'tags',
  'notes',
  'contactName',
  'contactTitle',
  'contactPhone',
  'contactEmail',
  'contactRole',
  'contactStance',
] as const;
type Column = (typeof COLUMNS)[number];
type ImportRecord = Partial<Record<Column, string>>;

const TAG_SEPARATORS = /[;；|、]/;

// CSV injection (OWASP): a cell that starts with = + - @, a tab or a carriage return is run as a
// formula by Excel, WPS and LibreOffice when the exported file is opened (=HYPERLINK(...) carrying
// the sheet's data away, DDE commands). The export prefixes such a cell with ' so it is shown as
// text; the import takes that one ' off again, so an exported file re-imports to the same values
// (a phone number +86 ... stays +86 ...).
const FORMULA_START = /^[=+\-@\t\r]/;
const NEUTRALISED = /^'(?=[=+\-@\t\r])/;
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

// ---- bytes to records ---------------------------------------------------------------------

export function decodeCsv(bytes: Buffer): { text: string; encoding: 'utf-8' | 'gb18030' } {
  if (bytes.length === 0) throw new AppError('IMPORT_FILE_INVALID', 'the file is empty', { reason: 'empty' });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AppError('IMPORT_FILE_INVALID', 'UTF-16 files are not taken: save as CSV (UTF-8) or CSV', {
      reason: 'encoding',
    });
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    const text = iconv.decode(body, 'gb18030');
    if (text.includes('\uFFFD')) {
      throw new AppError('IMPORT_FILE_INVALID', 'the file is neither UTF-8 nor GB18030', {
        reason: 'encoding',
      });
    }
    return { text, encoding: 'gb18030' };
  }
}

/** Every header spelling a column has: its key and its label in each language, compared loosely. */
function headerAliases(): Map<string, Column> {
  const aliases = new Map<string, Column>();
  const loose = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  for (const column of COLUMNS) {
    aliases.set(loose(column), column);
    for (const locale of Object.keys(CATALOGS) as TLocale[]) {
      const label = (CATALOGS[locale].accounts.columns as Record<string, string>)[column];
      if (label) aliases.set(loose(label), column);
    }
  }
  return new Map([...aliases].map(([k, v]) => [k, v]));
}
let aliasCache: Map<string, Column> | undefined;
function columnOf(header: string): Column | undefined {
  aliasCache ??= headerAliases();
  return aliasCache.get(header.normalize('NFKC').replace(/\s+/g, '').toLowerCase());
}

interface ParsedFile {
  columns: (Column | undefined)[];
  records: { line: number; record: ImportRecord; columnCount: number }[];
}

export function parseCsv(text: string): ParsedFile {
  // raw, not info.lines: csv-parse counts a CRLF inside quotes as two lines.
  let rows: { record: string[]; raw: string }[];
  try {
    rows = parse(text, { bom: true, raw: true, relax_column_count: true, skip_empty_lines: false }) as never;
  } catch (err) {
    const e = err as { code?: string; lines?: number };
    throw new AppError('IMPORT_FILE_INVALID', `the CSV cannot be read (${e.code ?? 'parse error'})`, {
      reason: 'csv',
      csvCode: e.code ?? null,
      line: e.lines ?? null,
    });
  }
  const [header, ...data] = rows;
  if (!header) throw new AppError('IMPORT_FILE_INVALID', 'the file is empty', { reason: 'empty' });
  const columns = header.record.map((h) => columnOf(h));
  const unknown = header.record.filter((h, i) => columns[i] === undefined && h.trim() !== '');
  if (unknown.length) {
    throw new AppError('IMPORT_FILE_INVALID', `unknown columns: ${unknown.join(', ')}`, {
      reason: 'unknown_column',
      columns: unknown,
    });
  }
  const seen = new Set<Column>();
  for (const c of columns) {
    if (c === undefined) continue;
    if (seen.has(c))
      throw new AppError('IMPORT_FILE_INVALID', `column ${c} twice`, {
        reason: 'duplicate_column',
        column: c,
      });
    seen.add(c);
  }
  if (!seen.has('name')) {
    throw new AppError('IMPORT_FILE_INVALID', 'the file has no name column', { reason: 'no_name_column' });
  }
  const records: ParsedFile['records'] = [];
  const breaks = (raw: string) => raw.match(/\r\n|\r|\n/g)?.length ?? 0;
  let line = 1 + breaks(header.raw);
  for (const row of data) {
    const start = line;
    line += breaks(row.raw);
    if (row.record.every((v) => v.trim() === '')) continue;
    const record: ImportRecord = {};
    row.record.forEach((value, i) => {
      const column = columns[i];
      const cell = value.replace(NEUTRALISED, '').trim();
      if (column !== undefined && cell !== '') record[column] = cell.replace(/\r\n?/g, '\n');
    });
    records.push({ line: start, record, columnCount: row.record.length });
  }
  if (records.length > ACCOUNT_LIMITS.importRows) {
    throw new AppError('IMPORT_FILE_INVALID', `more than ${ACCOUNT_LIMITS.importRows} rows`, {
      reason: 'too_many_rows',
      limit: ACCOUNT_LIMITS.importRows,
    });
  }
  return { columns, records };
}

// ---- the plan -------------------------------------------------------------------------------

interface PlannedAccount {
  /** An account in the database, or one this file creates. */
  row: AccountRow;
  isNew: boolean;
  changed: boolean;
  contacts: { name: string; phone: string | null; email: string | null }[];
}

interface Plan {
  lines: ImportLine[];
  creates: PlannedAccount[];
  merges: PlannedAccount[];
  newContacts: Prisma.ContactCreateManyInput[];
}

const sameContact = (
  a: { name: string; phone: string | null; email: string | null },
  b: { name: string; phone: string | null; email: string | null },
) => a.name === b.name && (a.phone ?? '') === (b.phone ?? '') && (a.email ?? '') === (b.email ?? '');

async function makePlan(
  db: PrismaClient | Prisma.TransactionClient,
  scope: AccountScope,
  file: ParsedFile,
  locale: TLocale,
): Promise<Plan> {
  const t = translator(locale, 'accounts');
  const expectedColumns = file.columns.length;
  const names = new Set<string>();
  const codes = new Set<string>();
  for (const { record } of file.records) {
    if (record.name) names.add(normalizeAccountName(record.name));
    if (record.creditCode) codes.add(normalizeCreditCode(record.creditCode));
  }
  const existing = await db.account.findMany({
    where: { OR: [{ normalizedName: { in: [...names] } }, { creditCode: { in: [...codes] } }] },
  });
  const existingContacts = await db.contact.findMany({
    where: { accountId: { in: existing.map((a) => a.id) } },
    select: { accountId: true, name: true, phone: true, email: true },
  });
  const byName = new Map<string, PlannedAccount>();
  const byCode = new Map<string, PlannedAccount>();
  for (const row of existing) {
    const planned: PlannedAccount = {
      row,
      isNew: false,
      changed: false,
      contacts: existingContacts.filter((c) => c.accountId === row.id),
    };
    byName.set(row.normalizedName, planned);
    if (row.creditCode) byCode.set(row.creditCode, planned);
  }
  const plan: Plan = { lines: [], creates: [], merges: [], newContacts: [] };
  const now = new Date();

  for (const { line, record, columnCount } of file.records) {
    const name = record.name ?? '';
    const refuse = (
      code: ImportReason,
      extra: { field?: string; holder?: ImportLine['holder']; accountId?: string } = {},
    ) =>
      plan.lines.push({
        line,
        action: 'refuse',
        name,
        accountId: extra.accountId ?? null,
        contactAdded: false,
        code,
        holder: extra.holder ?? null,
        field: extra.field ?? null,
        message: t(`reason.${code}`, { field: extra.field ?? '', name }),
      });
    if (columnCount !== expectedColumns) {
      refuse('column_count');
      continue;
    }
    if (!name) {
      refuse('name_missing');
      continue;
    }
    const tags = (record.tags ?? '')
      .split(TAG_SEPARATORS)
      .map((s) => s.trim())
      .filter(Boolean);
    const fields = ZCreateAccountSchema.safeParse({
      name,
      industry: record.industry ?? null,
      region: record.region ?? null,
      size: record.size ?? null,
      source: record.source ?? null,
      tags,
      notes: record.notes ?? null,
    });
    if (!fields.success) {
      refuse('field_invalid', { field: String(fields.error.issues[0]?.path[0] ?? 'name') });
      continue;
    }
    const normalizedName = normalizeAccountName(name);
    if (!/[\p{L}\p{N}]/u.test(normalizedName)) {
      refuse('field_invalid', { field: 'name' });
      continue;
    }
    let creditCode: string | null = null;
    if (record.creditCode) {
      creditCode = normalizeCreditCode(record.creditCode);
      if (creditCodeProblem(creditCode)) {
        refuse('credit_code_invalid', { field: 'creditCode' });
        continue;
      }
    }
    const hasContact = [
      'contactName',
      'contactTitle',
      'contactPhone',
      'contactEmail',
      'contactRole',
      'contactStance',
    ].some((c) => record[c as Column] !== undefined);
    let contact: ReturnType<typeof contactData> | null = null;
    if (hasContact) {
      const parsed = ZContactInputSchema.safeParse({
        name: record.contactName ?? '',
        title: record.contactTitle ?? null,
        phone: record.contactPhone ?? null,
        email: record.contactEmail ?? null,
        role: record.contactRole ?? null,
        stance: record.contactStance ?? null,
      });
      if (!parsed.success) {
        const field = String(parsed.error.issues[0]?.path[0] ?? 'name');
        refuse('contact_invalid', { field: `contact${field[0]!.toUpperCase()}${field.slice(1)}` });
        continue;
      }
      contact = contactData(parsed.data);
    }
    const viaName = byName.get(normalizedName);
    const viaCode = creditCode ? byCode.get(creditCode) : undefined;
    const target = viaName ?? viaCode;
    if (
      (viaName && viaCode && viaName !== viaCode) ||
      (target && creditCode && target.row.creditCode && target.row.creditCode !== creditCode)
    ) {
      refuse('credit_code_conflict', { field: 'creditCode' });
      continue;
    }
    const addContact = (planned: PlannedAccount): boolean => {
      if (!contact || planned.contacts.some((c) => sameContact(c, contact))) return false;
      planned.contacts.push(contact);
      // A millisecond apart: the account's contacts keep the file's order.
      plan.newContacts.push({
        id: newContactId(),
        accountId: planned.row.id,
        ...contact,
        createdAt: new Date(now.getTime() + plan.newContacts.length),
      });
      return true;
    };
    if (target) {
      const holder = holderOf(scope, target.row.ownerId);
      if (!target.isNew && !mayEdit(scope, holder)) {
        const code: ImportReason =
          holder === 'colleague' ? 'held_by_colleague' : holder === 'pool' ? 'in_pool' : 'held_by_other';
        refuse(code, { holder, accountId: target.row.id });
        continue;
      }
      const row = target.row;
      const fill = <K extends 'industry' | 'region' | 'size' | 'source' | 'notes'>(
        k: K,
        v: string | null | undefined,
      ) => {
        if (row[k] === null && v) {
          row[k] = v;
          target.changed = true;
        }
      };
      fill('industry', fields.data.industry);
      fill('region', fields.data.region);
      fill('size', fields.data.size);
      fill('source', fields.data.source);
      fill('notes', fields.data.notes);
      const newTags = tags.filter((tag) => !row.tags.includes(tag));
      if (newTags.length) {
        row.tags = [...row.tags, ...newTags];
        target.changed = true;
      }
      if (creditCode && !row.creditCode) {
        row.creditCode = creditCode;
        byCode.set(creditCode, target);
        target.changed = true;
      }
      const contactAdded = addContact(target);
      if (!target.isNew && target.changed && !plan.merges.includes(target)) plan.merges.push(target);
      plan.lines.push({
        line,
        action: 'merge',
        name,
        accountId: row.id,
        contactAdded,
        code: null,
        holder,
        field: null,
        message: t(contactAdded ? 'report.mergeWithContact' : 'report.merge', { name: row.name }),
      });
      continue;
    }
    const planned: PlannedAccount = {
      row: {
        id: newAccountId(),
        name: fields.data.name,
        normalizedName,
        creditCode,
        industry: fields.data.industry ?? null,
        region: fields.data.region ?? null,
        size: fields.data.size ?? null,
        source: fields.data.source ?? null,
        tags: [...new Set(tags)],
        notes: fields.data.notes ?? null,
        funnelStep: 'target',
        ownerId: null,
        claimedAt: null,
        lapsesAt: null,
        warnsAt: null,
        lastSalesActionAt: null,
        protected: false,
        seq: 0,
        createdById: scope.actor.id,
        createdAt: now,
        updatedAt: now,
        nameGrams: [], // the trigger fills it
      },
      isNew: true,
      changed: false,
      contacts: [],
    };
    byName.set(normalizedName, planned);
    if (creditCode) byCode.set(creditCode, planned);
    plan.creates.push(planned);
    const contactAdded = addContact(planned);
    plan.lines.push({
      line,
      action: 'create',
      name,
      accountId: planned.row.id,
      contactAdded,
      code: null,
      holder: 'pool',
      field: null,
      message: t(contactAdded ? 'report.createWithContact' : 'report.create', { name }),
    });
  }
  return plan;
}

function summaryOf(lines: ImportLine[]): ImportReport['summary'] {
  const summary = { create: 0, merge: 0, refuse: 0 };
  for (const l of lines) summary[l.action]++;
  return summary;
}

export async function importAccounts(
  prisma: PrismaClient,
  actor: Actor,
  input: { bytes: Buffer; dryRun: boolean; locale: TLocale },
): Promise<ImportReport> {
  const fileHash = createHash('sha256').update(input.bytes).digest('hex');
  const { text, encoding } = decodeCsv(input.bytes);
  const file = parseCsv(text);
  const scope = await accountScope(prisma, actor);
  if (input.dryRun) {
    const plan = await makePlan(prisma, scope, file, input.locale);
    return {
      dryRun: true,
      fileHash,
      encoding,
      alreadyImported: false,
      importedAt: null,
      lines: plan.lines,
      summary: summaryOf(plan.lines),
    };
  }
  const stored = async (): Promise<ImportReport | undefined> => {
    const done = await prisma.accountImport.findUnique({
      where: { importedById_fileHash: { importedById: actor.id, fileHash } },
    });
    return done ? { ...(done.report as unknown as ImportReport), alreadyImported: true } : undefined;
  };
  const before = await stored();
  if (before) return before;
  try {
    return await prisma.$transaction(
      async (tx) => {
        // First, so a concurrent import of the same file waits here and then finds the report.
        await tx.accountImport.create({
          data: { importedById: actor.id, fileHash, report: {} },
        });
        const plan = await makePlan(tx, scope, file, input.locale);
        if (plan.creates.length) {
          await tx.account.createMany({ data: plan.creates.map((p) => p.row) });
        }
        for (const m of plan.merges) {
          const { industry, region, size, source, notes, tags, creditCode } = m.row;
          await tx.account.update({
            where: { id: m.row.id },
            data: { industry, region, size, source, notes, tags, creditCode },
          });
        }
        if (plan.newContacts.length) await tx.contact.createMany({ data: plan.newContacts });
        const importedAt = new Date().toISOString();
        const report: ImportReport = {
          dryRun: false,
          fileHash,
          encoding,
          alreadyImported: false,
          importedAt,
          lines: plan.lines,
          summary: summaryOf(plan.lines),
        };
        await tx.accountImport.update({
          where: { importedById_fileHash: { importedById: actor.id, fileHash } },
          data: { report: report as unknown as Prisma.InputJsonValue },
        });
        return report;
      },
      { timeout: 120_000 },
    );
  } catch (err) {
    // The same file imported at the same moment: the other import won; answer its report.
    const after = await stored();
    if (after) return after;
    throw err;
  }
}

// ---- export ---------------------------------------------------------------------------------

export async function exportAccounts(
  prisma: PrismaClient,
  actor: Actor & { locale?: string },
  query: ExportQuery,
): Promise<string> {
  const scope = await accountScope(prisma, actor);
  const locale = resolveLocale(query.locale ?? actor.locale);
  const accounts = await prisma.account.findMany({
    where: accountWhere(scope, query.holder, query),
    orderBy: { normalizedName: 'asc' },
    take: ACCOUNT_LIMITS.exportRows,
    include: { contacts: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  const labels = CATALOGS[locale].accounts.columns as Record<string, string>;
  const rows: string[][] = [COLUMNS.map((c) => labels[c] ?? c)];
  for (const a of accounts) {
    const base = [
      a.name,
      a.creditCode ?? '',
      a.industry ?? '',
      a.region ?? '',
      a.size ?? '',
      a.source ?? '',
      a.tags.join(';'),
      a.notes ?? '',
    ];
    if (a.contacts.length === 0) rows.push([...base, '', '', '', '', '', '']);
    for (const c of a.contacts) {
      rows.push([...base, c.name, c.title ?? '', c.phone ?? '', c.email ?? '', c.role ?? '', c.stance ?? '']);
    }
  }
  // A BOM: Excel then opens the UTF-8 file with the right characters.
  return `\uFEFF${stringify(
    rows.map((row) => row.map(neutraliseCell)),
    { record_delimiter: '\r\n' },
  )}`;
}
