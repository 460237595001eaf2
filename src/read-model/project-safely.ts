// The read-model projection that no single event can freeze. The fast path is projectOpportunity
// (one transaction for the snapshot and every event). When that fails on data the database
// refuses (PostgreSQL 22xxx/23xxx: a NUL in a text, a date out of range), or on anything else
// that outlived its retries while the database answers, the same projection runs again with each
// write under its own savepoint: a refused event is dead-lettered and the journal gets a
// placeholder at its seq (so seq stays contiguous and the deal's later events flow on), and a
// refused snapshot is dead-lettered and stored sanitised. An outage is always rethrown: the
// caller retries, and nothing is dead-lettered because the database was down.
import type { Prisma, PrismaClient } from '../db/prisma';
import type { OpportunitySnapshot, ProjectionEvent, ProjectionInput } from '../contracts/activities';
import {
  applyEvent,
  lockHead,
  opportunityData,
  projectLtc,
  projectOpportunity,
  type ProjectOutcome,
} from '../opportunities/project-opportunity';
import { recordDeadLetter } from './dead-letters';
import { classifyProjectionError, type ProjectionFailure } from './projection-errors';
import { sanitizeSnapshot, storableInstant, storableText } from './sanitize-snapshot';

type Tx = Prisma.TransactionClient;

/** From this attempt on, a failure that is neither an outage nor a data error is dead-lettered. */
export const MAX_PROJECTION_ATTEMPTS = 5;

/** The journal type of a placeholder for an event the read model could not store. */
export const DEAD_LETTERED_EVENT = 'dead_lettered';

export interface SafeProjectOptions {
  /** See projectOpportunity: refuse non-contiguous events and report the gap. */
  requireContiguous?: boolean;
  /** The caller's attempt at this projection, from 1. */
  attempt?: number;
}

export async function projectSafely(
  prisma: PrismaClient,
  input: ProjectionInput,
  options: SafeProjectOptions = {},
): Promise<ProjectOutcome> {
  const requireContiguous = options.requireContiguous ?? false;
  try {
    return await projectOpportunity(prisma, input, { requireContiguous });
  } catch (err) {
    const failure = classifyProjectionError(err);
    if (failure.kind === 'outage') throw err;
    const exhausted = (options.attempt ?? 1) >= MAX_PROJECTION_ATTEMPTS;
    if (failure.kind === 'other' && !(exhausted && (await databaseAnswers(prisma)))) throw err;
    return projectIsolated(prisma, input, { requireContiguous, deadLetterOther: exhausted });
  }
}

async function databaseAnswers(prisma: PrismaClient): Promise<boolean> {
  try {
    await prisma.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}

async function projectIsolated(
  prisma: PrismaClient,
  input: ProjectionInput,
  opts: { requireContiguous: boolean; deadLetterOther: boolean },
): Promise<ProjectOutcome> {
  const s = input.snapshot;
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  return prisma.$transaction(
    async (tx) => {
      const { holds, gapAfter } = await lockHead(tx, input, events, opts.requireContiguous);
      if (gapAfter !== null) return { gapAfter };

      /** Runs one write under a savepoint: null if it landed, the failure if it is to be dead-lettered. */
      const isolate = async (write: () => Promise<unknown>): Promise<ProjectionFailure | null> => {
        await tx.$executeRawUnsafe('SAVEPOINT psm_projection_item');
        try {
          await write();
          await tx.$executeRawUnsafe('RELEASE SAVEPOINT psm_projection_item');
          return null;
        } catch (err) {
          await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT psm_projection_item');
          const failure = classifyProjectionError(err);
          if (failure.kind === 'outage' || (failure.kind === 'other' && !opts.deadLetterOther)) throw err;
          return failure;
        }
      };
      const deadLetterSnapshot = (failure: ProjectionFailure) =>
        recordDeadLetter(tx, {
          opportunityId: s.id,
          kind: 'snapshot',
          seq: 0,
          type: 'snapshot',
          failure,
          payload: s,
        });

      // The deal's row first: events reference it.
      let used: OpportunitySnapshot = s;
      if (holds === null) {
        const create = async (snap: OpportunitySnapshot) => {
          await tx.opportunity.create({
            data: { id: s.id, createdAt: new Date(snap.createdAt), ...opportunityData(snap) },
          });
          await projectLtc(tx, snap);
        };
        let failure = await isolate(() => create(s));
        if (failure) {
          await deadLetterSnapshot(failure);
          used = sanitizeSnapshot(s, Date.now());
          failure = await isolate(() => create(used));
        }
        if (failure) {
          // No row can hold this deal (e.g. an owner the directory lacks): keep every event visible.
          for (const e of events) await deadLetterEvent(tx, s.id, e, failure);
          return { gapAfter: null };
        }
      }

      if (events.length > 0) {
        const present = new Set(
          (
            await tx.$queryRaw<{ seq: number }[]>`
              SELECT seq FROM "OpportunityEvent" WHERE "opportunityId" = ${s.id}
                AND seq BETWEEN ${events[0]!.seq} AND ${events[events.length - 1]!.seq}`
          ).map((r) => r.seq),
        );
        for (const e of events) {
          if (present.has(e.seq)) continue;
          const failure = await isolate(async () => {
            await insertEvent(tx, s.id, e);
            await applyEvent(tx, used, e);
          });
          if (failure) {
            await deadLetterEvent(tx, s.id, e, failure);
            await insertPlaceholder(tx, s.id, e, failure);
          }
        }
      }

      if (holds !== null && s.seq > holds) {
        const update = async (snap: OpportunitySnapshot) => {
          await tx.opportunity.update({ where: { id: s.id }, data: opportunityData(snap) });
          await projectLtc(tx, snap);
        };
        let failure = used === s ? await isolate(() => update(s)) : null;
        if (failure || used !== s) {
          if (failure) await deadLetterSnapshot(failure);
          used = sanitizeSnapshot(s, Date.now());
          failure = await isolate(() => update(used));
        }
        // Even the sanitised row was refused: the journal is complete, so at least move on.
        if (failure) await tx.opportunity.update({ where: { id: s.id }, data: { lastEventSeq: s.seq } });
      }
      return { gapAfter: null };
    },
    { timeout: 30_000 },
  );
}

async function insertEvent(tx: Tx, opportunityId: string, e: ProjectionEvent): Promise<void> {
  const row = { seq: e.seq, type: e.type, actorId: e.actorId, occurredAt: e.occurredAt, payload: e.payload };
  await tx.$executeRaw`
    INSERT INTO "OpportunityEvent" ("opportunityId", "seq", "type", "actorId", "occurredAt", "payload")
    SELECT ${opportunityId}, e.seq, e.type, e."actorId"::uuid, e."occurredAt"::timestamptz AT TIME ZONE 'UTC', e.payload
    FROM jsonb_to_recordset(${JSON.stringify([row])}::jsonb)
      AS e(seq int, type text, "actorId" text, "occurredAt" text, payload jsonb)
    ON CONFLICT DO NOTHING`;
}

function deadLetterEvent(tx: Tx, opportunityId: string, e: ProjectionEvent, failure: ProjectionFailure) {
  return recordDeadLetter(tx, {
    opportunityId,
    kind: 'event',
    seq: e.seq,
    type: e.type,
    failure,
    payload: e,
  });
}

/** Keeps the journal's seq contiguous; the event itself is in ProjectionDeadLetter. */
async function insertPlaceholder(
  tx: Tx,
  opportunityId: string,
  e: ProjectionEvent,
  failure: ProjectionFailure,
): Promise<void> {
  const occurredAt = storableInstant(e.occurredAt) ?? new Date().toISOString();
  const payload = JSON.stringify({ type: storableText(e.type), sqlState: failure.sqlState });
  await tx.$executeRaw`
    INSERT INTO "OpportunityEvent" ("opportunityId", "seq", "type", "actorId", "occurredAt", "payload")
    VALUES (${opportunityId}, ${e.seq}, ${DEAD_LETTERED_EVENT}, NULL,
            ${occurredAt}::timestamptz AT TIME ZONE 'UTC', ${payload}::jsonb)
    ON CONFLICT DO NOTHING`;
}
