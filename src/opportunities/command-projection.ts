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
import { projectSafely } from '../read-model/project-safely';
import { recordProjectionLag } from '../observability/metrics';
import {
  clearProjectionMark,
  writeProjectionMark,
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
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5_000;
const DEFAULT_RETRY_FOR_MS = 10 * 60_000;
const DEFAULT_DRAIN_MS = 10_000;

export function createCommandProjector(deps: CommandProjectionDeps): CommandProjector {
  const tails = new Map<string, Promise<void>>();
  const retryForMs = deps.retryForMs ?? DEFAULT_RETRY_FOR_MS;
  /** Set by drain(): no retry may start that would end after it. */
  let drainDeadline: number | null = null;

  /** A command's own projection, or (a number) the seq the read model must have reached. */
  type Work = ProjectionInput | number;

  const projectOnce = async (opportunityId: string, work: Work, attempt: number) => {
    let gapAfter: number | null;
    if (typeof work === 'number') {
      const row = await deps.prisma.opportunity.findUnique({
        where: { id: opportunityId },
        select: { lastEventSeq: true },
      });
      gapAfter = row && row.lastEventSeq >= work ? null : (row?.lastEventSeq ?? 0);
    } else {
      ({ gapAfter } = await projectSafely(deps.prisma, work, { requireContiguous: true, attempt }));
    }
    // How far behind the read model was: the seq it should hold (the repeat's, or the one just
    // before this command's events) minus the one it held (gapAfter; null when it followed on).
    recordProjectionLag(typeof work === 'number' ? work : (work.events[0]?.seq ?? 1) - 1, gapAfter);
    if (gapAfter === null) return;
    const fill = await deps.client.connection.withDeadline(Date.now() + deps.timeoutMs, () =>
      deps.client.workflow.getHandle(opportunityId).query(projectionSinceQuery, gapAfter),
    );
    await projectSafely(deps.prisma, fill, { attempt });
  };

  const project = async (opportunityId: string, work: Work, mark?: ProjectionMark): Promise<void> => {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await projectOnce(opportunityId, work, attempt);
        if (mark && (await mark.written)) await clearProjectionMark(deps.prisma, mark.token).catch(() => {});
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
      const written = writeProjectionMark(deps.prisma, { token, opportunityId, kind }).then(
        () => true,
        () => false,
      );
      return { token, written };
    },
    unmark(mark) {
      void mark.written.then((written) =>
        written ? clearProjectionMark(deps.prisma, mark.token).catch(() => {}) : undefined,
      );
    },
    project,
    schedule: (opportunityId, projection, mark) => enqueue(opportunityId, projection, mark),
    ensure: (opportunityId, seq, mark) => void enqueue(opportunityId, seq, mark),
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
