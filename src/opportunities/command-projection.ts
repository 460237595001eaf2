// Projects a command's result into the read model once its Update has committed. The workflow
// returns the events the command appended, so it spends no history on a projection activity per
// command. The projection runs just after the API has answered (the answer waits only for the
// Update), one at a time per deal, and shutdown waits (a bounded time) for those in flight.
//
// If another command's projection went missing (its API process died between the Update and this
// step), the read model refuses the non-contiguous events and the gap is filled from the
// workflow's projectionSince query. If this step fails (the database is down), it is retried here
// with backoff, so the read model has the command moments after the database is back. And because
// this process may die first, the API marks the deal "projection pending" (ProjectionPending)
// while it sends the command, and removes its mark once the projection landed: a mark that
// outlives the grace period is projected by the reconciler of any process (src/read-model).
// A poisoned event is dead-lettered by projectSafely and the rest flows on.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { ProjectionInput } from '../contracts/activities';
import type { PrismaClient } from '../db/prisma';
import { createGroupCommit } from '../db/group-commit';
import { projectSafely } from '../read-model/project-safely';
import { projectBatch, type BatchItem, type BatchOutcome } from './project-opportunity';
import { recordProjectionLag } from '../observability/metrics';
import {
  clearProjectionMark,
  createMarkWriter,
  type ProjectionMarkKind,
} from '../read-model/projection-marks';
import { projectionSinceQuery } from '../../workflows/opportunity-messages';

export interface CommandProjectionDeps {
  prisma: PrismaClient;
  client: Client;
  timeoutMs: number;
  /** Reported on the first failure of a projection and when it is left to the reconciler. */
  onError?: (err: unknown, opportunityId: string, detail: { attempt: number; givingUp: boolean }) => void;
  /** How long a failed projection is retried in this process (default 10 minutes). */
  retryForMs?: number;
  /** At most this many deals' command results go into one transaction (default 50). */
  maxBatch?: number;
  /**
   * A command's projection landed (the deal's queued account events can go now: deal-events.ts),
   * with the types of the events it projected; absent when they are not known (a repeat's check,
   * or a gap filled from the workflow).
   */
  onProjected?: (opportunityId: string, projectedTypes?: readonly string[]) => void;
}

/** A deal marked "projection pending" while its command is sent. */
export interface ProjectionMark {
  token: string;
  /** Settles (never rejects) once the mark is written, or could not be (the database is down). */
  written: Promise<boolean>;
}

export interface CommandProjector {
  /** Marks the deal before its command or start is sent; durable once `written` settles. */
  mark(opportunityId: string, kind: ProjectionMarkKind): ProjectionMark;
  /** The command was refused or repeated: there is nothing of its own to project. */
  unmark(mark: ProjectionMark): void;
  /**
   * Projects in the background; a deal's projections run in the order they were scheduled. The
   * promise (never rejecting) settles once this one is in the read model or left to the reconciler.
   */
  schedule(opportunityId: string, projection: ProjectionInput, mark?: ProjectionMark): Promise<void>;
  /** Projects now (retrying); resolves once the read model has it or it was left to the reconciler. */
  project(opportunityId: string, projection: ProjectionInput, mark?: ProjectionMark): Promise<void>;
  /**
   * A repeated command (the first caller may have died before projecting it): makes sure the
   * read model reached `seq`, filling it from the workflow if not. In the background, like schedule.
   */
  ensure(opportunityId: string, seq: number, mark?: ProjectionMark): void;
  /** Waits for every scheduled projection (at shutdown, and in tests), at most `graceMs`. */
  drain(graceMs?: number): Promise<void>;
  /** Shared transactions so far: how many, how many deals they carried, the largest, and how many fell back. */
  batchStats(): BatchStats;
}

export interface BatchStats {
  batches: number;
  items: number;
  largest: number;
  fellBack: number;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
const DEFAULT_RETRY_FOR_MS = 10 * 60_000;
const DEFAULT_DRAIN_MS = 10_000;
const DEFAULT_MAX_BATCH = 50;
/** Batches in flight at once: while they run, the next deals' results wait and join one batch. */
const CONCURRENT_BATCHES = 2;

interface Submitted {
  item: BatchItem;
  attempt: number;
  resolve(outcome: { gapAfter: number | null; markCleared: boolean }): void;
  reject(err: unknown): void;
}

/**
 * Groups the first attempts of command projections into shared transactions. Nothing waits to
 * form a batch: a result is projected at once when fewer than CONCURRENT_BATCHES are running, and
 * only under load (results arriving faster than transactions commit) do they queue, so a batch
 * grows with the load and the database work per command shrinks. If a batch fails, each of its
 * deals is projected on its own (projectSafely: a poisoned value is dead-lettered, an outage is
 * rethrown to that deal's retry loop), so one deal never holds up or fails another.
 */
function createBatcher(prisma: PrismaClient, maxBatch: number) {
  let fellBack = 0;

  const alone = (s: Submitted) =>
    projectSafely(prisma, s.item.input, { requireContiguous: true, attempt: s.attempt }).then(
      ({ gapAfter }) => s.resolve({ gapAfter, markCleared: false }),
      s.reject,
    );

  const run = async (batch: Submitted[]) => {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await projectBatch(
        prisma,
        batch.map((s) => s.item),
      );
    } catch {
      fellBack += 1;
      await Promise.all(batch.map(alone));
      return;
    }
    await Promise.all(
      batch.map((s, i) => {
        const outcome = outcomes[i]!;
        if (outcome.kind === 'alone') return alone(s);
        s.resolve({
          gapAfter: outcome.gapAfter,
          markCleared: outcome.gapAfter === null && s.item.markToken !== undefined,
        });
        return undefined;
      }),
    );
  };

  // Anything run did not settle (a bug, not an outage) fails its deals' projections, which then
  // retry alone, rather than leaving them waiting (settling a settled promise does nothing).
  const group = createGroupCommit(
    (batch: Submitted[]) => run(batch).catch((err: unknown) => batch.forEach((s) => s.reject(err))),
    { concurrency: CONCURRENT_BATCHES, maxBatch },
  );

  return {
    stats: (): BatchStats => {
      const { writes, items, largest } = group.stats();
      return { batches: writes, items, largest, fellBack };
    },
    submit(item: BatchItem, attempt: number) {
      return new Promise<{ gapAfter: number | null; markCleared: boolean }>((resolve, reject) => {
        group.submit({ item, attempt, resolve, reject });
      });
    },
  };
}

export function createCommandProjector(deps: CommandProjectionDeps): CommandProjector {
  const tails = new Map<string, Promise<void>>();
  const retryForMs = deps.retryForMs ?? DEFAULT_RETRY_FOR_MS;
  /** Set by drain(): no retry may start that would end after it. */
  let drainDeadline: number | null = null;

  /** A command's own projection, or (a number) the seq the read model must have reached. */
  type Work = ProjectionInput | number;

  const batcher = createBatcher(deps.prisma, deps.maxBatch ?? DEFAULT_MAX_BATCH);
  // Marks are grouped like projections: under load, one INSERT carries many.
  const marks = createMarkWriter(deps.prisma);

  /**
   * Projects once: markCleared when the mark (`markToken`) was deleted with the projection, and
   * the types of the events projected (undefined: not known, a gap was filled or a seq checked).
   */
  const projectOnce = async (
    opportunityId: string,
    work: Work,
    attempt: number,
    markToken: string | undefined,
  ): Promise<{ markCleared: boolean; types?: readonly string[] }> => {
    let gapAfter: number | null;
    let markCleared = false;
    if (typeof work === 'number') {
      const row = await deps.prisma.opportunity.findUnique({
        where: { id: opportunityId },
        select: { lastEventSeq: true },
      });
      gapAfter = row && row.lastEventSeq >= work ? null : (row?.lastEventSeq ?? 0);
    } else if (attempt === 1) {
      // The first attempt joins whatever other deals' projections are waiting (one transaction);
      // retries run alone, where a value the database refuses is dead-lettered.
      const outcome = await batcher.submit({ input: work, markToken }, attempt);
      gapAfter = outcome.gapAfter;
      markCleared = outcome.markCleared;
    } else {
      ({ gapAfter } = await projectSafely(deps.prisma, work, { requireContiguous: true, attempt }));
    }
    // How far behind the read model was: the seq it should hold (the repeat's, or the one just
    // before this command's events) minus the one it held (gapAfter; null when it followed on).
    recordProjectionLag(typeof work === 'number' ? work : (work.events[0]?.seq ?? 1) - 1, gapAfter);
    if (gapAfter === null) {
      return typeof work === 'number'
        ? { markCleared }
        : { markCleared, types: work.events.map((e) => e.type) };
    }
    const fill = await deps.client.connection.withDeadline(Date.now() + deps.timeoutMs, () =>
      deps.client.workflow.getHandle(opportunityId).query(projectionSinceQuery, gapAfter),
    );
    await projectSafely(deps.prisma, fill, { attempt });
    return { markCleared: false };
  };

  const project = async (opportunityId: string, work: Work, mark?: ProjectionMark): Promise<void> => {
    const started = Date.now();
    // A mark that is durable may be deleted in the projection's own transaction.
    const markToken = mark && (await mark.written) ? mark.token : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        const { markCleared, types } = await projectOnce(opportunityId, work, attempt, markToken);
        // projected: every command result this process projects passes here once it landed.
        if (markToken && !markCleared) await clearProjectionMark(deps.prisma, markToken).catch(() => {});
        deps.onProjected?.(opportunityId, types);
        return;
      } catch (err) {
        const delay = Math.min(RETRY_FIRST_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
        const givingUp =
          Date.now() + delay - started > retryForMs ||
          (drainDeadline !== null && Date.now() + delay > drainDeadline);
        if (attempt === 1 || givingUp) deps.onError?.(err, opportunityId, { attempt, givingUp });
        // The mark stays: the reconciler projects the deal once the grace period is over.
        if (givingUp) return;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const enqueue = (opportunityId: string, work: Work, mark?: ProjectionMark) => {
    const previous = tails.get(opportunityId) ?? Promise.resolve();
    const next = previous.then(() => project(opportunityId, work, mark));
    tails.set(opportunityId, next);
    void next.then(() => {
      if (tails.get(opportunityId) === next) tails.delete(opportunityId);
    });
    return next;
  };

  return {
    mark(opportunityId, kind) {
      const token = randomUUID();
      return { token, written: marks.write({ token, opportunityId, kind }) };
    },
    unmark(mark) {
      void mark.written.then((written) =>
        written ? clearProjectionMark(deps.prisma, mark.token).catch(() => {}) : undefined,
      );
    },
    project,
    schedule: (opportunityId, projection, mark) => enqueue(opportunityId, projection, mark),
    ensure: (opportunityId, seq, mark) => void enqueue(opportunityId, seq, mark),
    batchStats: () => batcher.stats(),
    async drain(graceMs = DEFAULT_DRAIN_MS) {
      drainDeadline = Date.now() + graceMs;
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs + deps.timeoutMs);
      });
      const all = (async () => {
        while (tails.size > 0) await Promise.all([...tails.values()]);
      })();
      try {
        await Promise.race([all, bound]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
