// "A caller may not have projected this deal yet" marks (ProjectionPending). The API writes one
// while it sends a command or starts a deal, and deletes it once its projection landed; what
// remains after the grace period belongs to a caller that died or gave up, and the reconciler
// claims it. Raw SQL: these run on the API's hot path.
import type { PrismaClient } from '../db/prisma';
import { createGroupCommit } from '../db/group-commit';

/** create: the workflow projects its own created event; command: the caller projects its result. */
export type ProjectionMarkKind = 'create' | 'command';

/** One mark as written: its token (the caller deletes it by), its deal and kind. */
export interface ProjectionMarkRow {
  token: string;
  opportunityId: string;
  kind: ProjectionMarkKind;
}

export function writeProjectionMark(prisma: PrismaClient, mark: ProjectionMarkRow): Promise<void> {
  return writeProjectionMarks(prisma, [mark]);
}

/** Several marks in one statement (one round trip and one commit for all). */
export async function writeProjectionMarks(
  prisma: PrismaClient,
  marks: readonly ProjectionMarkRow[],
): Promise<void> {
  if (marks.length === 0) return;
  await prisma.$executeRaw`
    INSERT INTO "ProjectionPending" (token, "opportunityId", kind)
    SELECT * FROM unnest(${marks.map((m) => m.token)}::uuid[], ${marks.map((m) => m.opportunityId)}::text[],
      ${marks.map((m) => m.kind)}::text[])`;
}

/** Statements in flight at once: while one runs, the next marks wait and go in one statement. */
const CONCURRENT_MARK_WRITES = 2;

/**
 * Writes marks as they come, grouping them under load (group commit, createGroupCommit): a mark
 * is written at once when fewer than CONCURRENT_MARK_WRITES statements are running, and only when
 * marks arrive faster than statements commit do they queue and share the next one. Each mark's
 * promise settles when its statement did: the marks of a failed statement all failed (the
 * database is down).
 */
export function createMarkWriter(prisma: PrismaClient, maxBatch = 100) {
  type Queued = { mark: ProjectionMarkRow; done(ok: boolean): void };
  const group = createGroupCommit<Queued>(
    (batch) =>
      writeProjectionMarks(
        prisma,
        batch.map((q) => q.mark),
      ).then(
        () => batch.forEach((q) => q.done(true)),
        () => batch.forEach((q) => q.done(false)),
      ),
    { concurrency: CONCURRENT_MARK_WRITES, maxBatch },
  );
  return {
    /** Statements sent so far and the marks they carried. */
    stats: () => {
      const { writes, items } = group.stats();
      return { statements: writes, marks: items };
    },
    /** Resolves true once the mark is durable, false if it could not be written; never rejects. */
    write(mark: ProjectionMarkRow): Promise<boolean> {
      return new Promise<boolean>((done) => group.submit({ mark, done }));
    },
  };
}

export async function clearProjectionMark(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.$executeRaw`DELETE FROM "ProjectionPending" WHERE token = ${token}::uuid`;
}

export interface ClaimedDeal {
  opportunityId: string;
  /** Only create marks: the workflow projects the deal itself; only its row's absence needs repair. */
  createOnly: boolean;
  /** The newest claimed mark: marks up to it are settled once the deal is reconciled. */
  newestMarkedAt: Date;
}

/**
 * Leases the deals whose marks are older than `graceMs` (and not leased by another process) for
 * `leaseMs`. SKIP LOCKED keeps two reconcilers from waiting on, or claiming, the same marks.
 */
export async function claimStaleMarks(
  prisma: PrismaClient,
  opts: { graceMs: number; leaseMs: number; limit: number },
): Promise<ClaimedDeal[]> {
  const rows = await prisma.$queryRaw<{ opportunityId: string; kind: string; markedAt: Date }[]>`
    UPDATE "ProjectionPending" AS p
    SET "claimedUntil" = CURRENT_TIMESTAMP + make_interval(secs => ${opts.leaseMs / 1000})
    WHERE p.token IN (
      SELECT token FROM "ProjectionPending"
      WHERE "markedAt" < CURRENT_TIMESTAMP - make_interval(secs => ${opts.graceMs / 1000})
        AND ("claimedUntil" IS NULL OR "claimedUntil" < CURRENT_TIMESTAMP)
      ORDER BY "markedAt"
      LIMIT ${opts.limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING p."opportunityId", p.kind, p."markedAt"`;
  const deals = new Map<string, ClaimedDeal>();
  for (const r of rows) {
    const d = deals.get(r.opportunityId) ?? {
      opportunityId: r.opportunityId,
      createOnly: true,
      newestMarkedAt: r.markedAt,
    };
    if (r.kind !== 'create') d.createOnly = false;
    if (r.markedAt > d.newestMarkedAt) d.newestMarkedAt = r.markedAt;
    deals.set(r.opportunityId, d);
  }
  return [...deals.values()];
}

/** The deal is reconciled: its marks up to the newest claimed one are settled. */
export async function settleMarks(prisma: PrismaClient, deal: ClaimedDeal): Promise<void> {
  await prisma.$executeRaw`
    DELETE FROM "ProjectionPending"
    WHERE "opportunityId" = ${deal.opportunityId} AND "markedAt" <= ${deal.newestMarkedAt}`;
}

/** How many marks are waiting, and the oldest one's age (for /health and the fault suite). */
export async function pendingMarkStats(
  prisma: PrismaClient,
): Promise<{ pending: number; oldestAgeMs: number | null }> {
  const [row] = await prisma.$queryRaw<{ pending: number; oldest_ms: number | null }[]>`
    SELECT count(*)::int AS pending,
      (EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - min("markedAt"))) * 1000)::float8 AS oldest_ms
    FROM "ProjectionPending"`;
  return { pending: row?.pending ?? 0, oldestAgeMs: row?.oldest_ms ?? null };
}
