// Test harness for the opportunity workflow: the time-skipping test server from the project's
// own binary (never a download), one worker per test file on a shared workflow bundle, typed fake
// activities that record every call, and a small driver for one deal.

import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { Duration, UpdateDefinition } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type {
  Activities,
  ClockCheckInput,
  NotificationRequest,
  ProjectionEvent,
  ProjectionInput,
  ReportingLine,
} from '../../src/contracts/activities';
import type { opportunity } from '../../workflows';
import { getStateQuery, opportunityUpdates } from '../../workflows/opportunity-messages';
import { createInitialState } from '../../workflows/opportunity-state';
import { dueClocks } from '../../workflows/opportunity-timers';
import { latestProcessVersion } from '../../workflows/process-versions';
import type {
  Actor,
  CommandInputs,
  CommandName,
  CommandResult,
  OpportunityStartInput,
  OpportunityState,
} from '../../workflows/opportunity-types';
import type { OpportunityView } from '../../workflows/opportunity-view';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TEST_SERVER_PATH = path.join(REPO_ROOT, '.tools/venv/bin/temporal-test-server');
export const WORKFLOWS_PATH = path.join(REPO_ROOT, 'workflows');

/** Worker chatter drowns test output; warnings and errors still show. */
export function quietTemporalLogs(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this process (another test file or script did it first).
  }
}

/** The time-skipping test server from .tools (installed by the project), never downloaded. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER_PATH } },
  });
  // The deals' search attributes: the workflow upserts them, and an unknown one fails its task.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundling takes seconds; every worker in one jest process shares the result. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  return bundle;
}

let defaultBundle: (() => Promise<WorkflowBundleWithSourceMap>) | undefined;
/**
 * Makes every harness created from now on in this jest process (those of other test files this one
 * requires, too) run `make`'s workflows unless it names its own: retuned-definition.test.ts runs
 * the lifecycle tests on a bundle with a retuned process definition this way.
 */
export function useWorkflowBundleByDefault(make: () => Promise<WorkflowBundleWithSourceMap>): void {
  defaultBundle = make;
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

// ---- people ----------------------------------------------------------------------------------

export const USERS = {
  rep: 'rep-li',
  manager: 'mgr-wang',
  director: 'dir-zhang',
  vp: 'vp-chen',
  otherRep: 'rep-zhao',
  otherManager: 'mgr-sun',
  admin: 'admin-root',
  /** A rep whose directory entry has nobody above them. */
  loneRep: 'rep-solo',
  /** Another rep of the same manager. */
  teamRep: 'rep-qian',
  /** A rep of the same manager who has left (deactivated in the directory). */
  formerRep: 'rep-gone',
} as const;

export const ACTORS = {
  rep: { userId: USERS.rep, role: 'rep' },
  manager: { userId: USERS.manager, role: 'manager' },
  director: { userId: USERS.director, role: 'director' },
  vp: { userId: USERS.vp, role: 'director' },
  otherRep: { userId: USERS.otherRep, role: 'rep' },
  otherManager: { userId: USERS.otherManager, role: 'manager' },
  admin: { userId: USERS.admin, role: 'admin' },
} as const satisfies Record<string, Actor>;

const line = (userId: string, chain: string[], extra: Partial<ReportingLine> = {}): ReportingLine => ({
  userId,
  managerId: chain[0] ?? null,
  directorId: chain[1] ?? null,
  chain,
  ...extra,
});

export const DIRECTORY: Record<string, ReportingLine> = {
  [USERS.rep]: line(USERS.rep, [USERS.manager, USERS.director, USERS.vp]),
  [USERS.otherRep]: line(USERS.otherRep, [USERS.otherManager, USERS.director, USERS.vp]),
  [USERS.manager]: line(USERS.manager, [USERS.director, USERS.vp]),
  [USERS.loneRep]: line(USERS.loneRep, []),
  [USERS.teamRep]: line(USERS.teamRep, [USERS.manager, USERS.director, USERS.vp]),
  [USERS.formerRep]: line(USERS.formerRep, [USERS.manager, USERS.director, USERS.vp], { active: false }),
  // The top of the line: nobody above, so what nobody in the line may decide goes to the admin.
  [USERS.vp]: line(USERS.vp, [], { adminId: USERS.admin }),
};

// ---- fake activities -------------------------------------------------------------------------

/** The activities the opportunity workflow calls. */
export type OpportunityActivities = Pick<
  Activities,
  'lookupReportingLine' | 'projectOpportunity' | 'sendNotification' | 'checkClocks' | 'listOpenDealsInLine'
>;

/** Records every call; behaves like the real activities in what the workflow can observe. */
export class FakeActivities {
  readonly notifications: NotificationRequest[] = [];
  readonly projections: ProjectionInput[] = [];
  readonly lookups: string[] = [];
  readonly clockChecks: ClockCheckInput[] = [];

  private readonly directory: Record<string, ReportingLine>;

  /** Which mails the fake reports as resent after an attempt that may have delivered them. */
  possiblyDuplicated: (request: NotificationRequest) => boolean = () => false;

  /** Which IM channels the fake reports as having refused a mail for good before email took over. */
  channelFailures: (request: NotificationRequest) => { channel: string; reason: string }[] = () => [];

  /** How long the fake clock check takes to answer (real time), as a check slowed by its reads. */
  checkDelayMs = 0;

  /** Which mails fail for good (the real activity: a recipient with no address), non-retryably. */
  failsForGood: (request: NotificationRequest) => boolean = () => false;

  /** While set, the workflow's own projections wait for it (a read model that is slow to answer). */
  private projectionHold: Promise<void> | null = null;

  /** Holds the workflow's projections until the returned function is called. */
  holdProjections(): () => void {
    let release!: () => void;
    this.projectionHold = new Promise((resolve) => (release = resolve));
    return () => {
      this.projectionHold = null;
      release();
    };
  }

  constructor(directory: Record<string, ReportingLine> = DIRECTORY) {
    this.directory = { ...directory };
  }

  /** A reorganisation: the user now reports along `chain` (nearest manager first). */
  moveInDirectory(userId: string, chain: string[]): void {
    this.directory[userId] = line(userId, chain);
  }

  /** The user leaves the directory (look-ups of them fail for good); returns what puts them back. */
  removeFromDirectory(userId: string): () => void {
    const entry = this.directory[userId];
    delete this.directory[userId];
    return () => {
      if (entry) this.directory[userId] = entry;
    };
  }

  asActivities(): OpportunityActivities {
    return {
      lookupReportingLine: async (userId) => {
        this.lookups.push(userId);
        const found = this.directory[userId];
        if (!found)
          throw ApplicationFailure.create({
            type: 'NOT_FOUND',
            message: `no user ${userId}`,
            nonRetryable: true,
          });
        return found;
      },
      // The read model's open deals owned by the user or anyone below them (directory as now).
      listOpenDealsInLine: async (userId) => {
        const owners = new Set(
          Object.values(this.directory)
            .filter((entry) => entry.userId === userId || entry.chain.includes(userId))
            .map((entry) => entry.userId),
        );
        const ids = new Set(this.projections.map((p) => p.snapshot.id));
        return [...ids].filter((id) => {
          const latest = this.lastSnapshotOf(id);
          return (
            latest !== undefined && owners.has(latest.ownerId) && ['open', 'on_hold'].includes(latest.status)
          );
        });
      },
      projectOpportunity: async (input) => {
        if (this.projectionHold) await this.projectionHold;
        this.projections.push(structuredClone(input));
      },
      sendNotification: async (request) => {
        if (this.failsForGood(request))
          throw ApplicationFailure.create({
            type: 'NO_ADDRESS',
            message: `no address for ${request.recipientUserId}`,
            nonRetryable: true,
          });
        this.notifications.push(structuredClone(request));
        const channelFailures = this.channelFailures(request);
        return {
          possiblyDuplicated: this.possiblyDuplicated(request),
          ...(channelFailures.length > 0 ? { channelFailures } : {}),
        };
      },
      // The real due decision (pure); the read model is this fake's.
      checkClocks: async (input) => {
        this.clockChecks.push(structuredClone(input));
        if (this.checkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.checkDelayMs));
        return {
          due: dueClocks(input.facts, Date.parse(input.now)),
          readModelSeq: this.readModelSeqOf(input.opportunityId),
          reportingLine: this.directory[input.ownerId] ?? null,
        };
      },
    };
  }

  /** The highest seq up to which every event of the deal has been projected. */
  readModelSeqOf(opportunityId: string): number {
    const seqs = new Set(this.projectedEventsFor(opportunityId).map((e) => e.seq));
    let seq = 0;
    while (seqs.has(seq + 1)) seq += 1;
    return seq;
  }

  notificationsFor(opportunityId: string): NotificationRequest[] {
    return this.notifications.filter((n) => n.deal.opportunityId === opportunityId);
  }

  projectionsFor(opportunityId: string): ProjectionInput[] {
    return this.projections.filter((p) => p.snapshot.id === opportunityId);
  }

  /** Every event the read model holds for a deal, once each (projection is idempotent by seq), by seq. */
  projectedEventsFor(opportunityId: string): ProjectionEvent[] {
    const bySeq = new Map<number, ProjectionEvent>();
    for (const event of this.projectionsFor(opportunityId).flatMap((p) => p.events)) {
      if (!bySeq.has(event.seq)) bySeq.set(event.seq, event);
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Seqs projected more than once with different contents (there must be none). */
  conflictingProjections(opportunityId: string): number[] {
    const seen = new Map<number, string>();
    const conflicts = new Set<number>();
    for (const event of this.projectionsFor(opportunityId).flatMap((p) => p.events)) {
      const text = JSON.stringify(event);
      if (seen.has(event.seq) && seen.get(event.seq) !== text) conflicts.add(event.seq);
      seen.set(event.seq, text);
    }
    return [...conflicts];
  }

  /** The newest snapshot the read model holds (a projection's row only ever moves forward). */
  lastSnapshotOf(opportunityId: string) {
    let latest: ProjectionInput['snapshot'] | undefined;
    for (const { snapshot } of this.projectionsFor(opportunityId)) {
      if (!latest || snapshot.seq >= latest.seq) latest = snapshot;
    }
    return latest;
  }
}

/** A fresh deal's state (the rep's, 100 CNY, its reporting line known) at `now`, for pure-logic tests. */
export function newDealState(now: number): OpportunityState {
  const state = createInitialState(
    {
      id: 'opp-1',
      name: 'Deal',
      account: 'Acme',
      amount: 100,
      currency: 'CNY',
      ownerId: USERS.rep,
      createdBy: ACTORS.rep,
    },
    now,
  );
  state.reportingLine = DIRECTORY[USERS.rep] ?? null;
  return state;
}

// ---- harness ---------------------------------------------------------------------------------

export interface Harness {
  env: TestWorkflowEnvironment;
  fakes: FakeActivities;
  taskQueue: string;
  startDeal(overrides?: Partial<OpportunityStartInput>): Promise<DealDriver>;
  /** Moves server time forward; timers due meanwhile fire in order. */
  advance(duration: Duration): Promise<void>;
  /** Marks every still-open deal lost, so finished tests' clocks stop loading the next ones. */
  retireDeals(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Workflows bundled differently (e.g. another work calendar); the shared bundle otherwise. */
  workflowBundle?: () => Promise<WorkflowBundleWithSourceMap>;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  quietTemporalLogs();
  const env = await createTimeSkippingEnv();
  const fakes = new FakeActivities();
  const taskQueue = `psm-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await (options.workflowBundle ?? defaultBundle ?? workflowBundle)(),
    activities: fakes.asActivities(),
  });
  const running = worker.run();
  const deals: DealDriver[] = [];
  const retired = new Set<DealDriver>();

  /** The earliest timer any of this harness's deals has armed, as server epoch ms. */
  const earliestTimer = async (): Promise<number | undefined> => {
    const dues = await Promise.all(
      deals
        .filter((deal) => !retired.has(deal))
        .map(async (deal) => {
          const state = await deal.state();
          const wakeUp = state.nextClockCheckAt === null ? [] : [Date.parse(state.nextClockCheckAt)];
          return [...state.timers.map((t) => Date.parse(t.dueAt)), ...wakeUp];
        }),
    );
    const all = dues.flat();
    return all.length === 0 ? undefined : Math.min(...all);
  };

  return {
    env,
    fakes,
    taskQueue,
    async startDeal(overrides = {}) {
      const id = overrides.id ?? `opp-${randomUUID()}`;
      const input: OpportunityStartInput = {
        id,
        name: 'Hangzhou metro signalling upgrade',
        account: 'Hangzhou Metro Group',
        amount: 480_000,
        currency: 'CNY',
        ownerId: USERS.rep,
        expectedCloseDate: '2026-06-30',
        createdBy: ACTORS.rep,
        // As the API does: new deals start on the latest process version.
        processVersion: LATEST_PROCESS_VERSION,
        ...overrides,
      };
      const handle = await env.client.workflow.start<typeof opportunity>('opportunity', {
        workflowId: id,
        taskQueue,
        args: [input],
      });
      const deal = new DealDriver(handle, id, fakes);
      deals.push(deal);
      // Commands from the deal's managers need the reporting line; wait for the look-up.
      await waitUntil(async () => (await deal.state()).reportingLine !== null);
      return deal;
    },
    async advance(duration) {
      await env.sleep(duration);
      // The time-skipping server strands a run whose workflow task cancels a timer that fired
      // while the task was at the worker (temporalio/sdk-java#3088; a real server retries the
      // task). Between skips its clock runs at real pace, and timers re-armed during a skip can be
      // due a few milliseconds after it ends, racing the test's next command. So never stop a
      // skip just before a timer: carry on past any that is due within the guard.
      for (let round = 0; round < 20; round += 1) {
        const [now, due] = await Promise.all([env.currentTimeMs(), earliestTimer()]);
        if (due === undefined || due - now > TIMER_GUARD_MS) return;
        await env.sleep(Math.max(due - now, 0) + 1_000);
      }
    },
    async retireDeals() {
      for (const deal of deals) {
        if (retired.has(deal)) continue;
        retired.add(deal);
        const { status } = await deal.state();
        if (status === 'open' || status === 'on_hold') {
          await deal.command('markLost', ACTORS.admin, { reason: 'test finished' });
        }
      }
    },
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

/**
 * One harness per test file: created before the file's tests, every deal retired after each test
 * (so its clocks stop loading the next), closed after the file. Call at the top level of a test
 * file; the returned harness forwards to the one created in beforeAll.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await createHarness(options);
  });
  afterEach(async () => {
    await harness?.retireDeals();
  });
  afterAll(async () => {
    await harness?.close();
  });
  const current = (): Harness => {
    if (harness === undefined) throw new Error('useHarness: the harness is used before beforeAll ran');
    return harness;
  };
  return {
    get env() {
      return current().env;
    },
    get fakes() {
      return current().fakes;
    },
    get taskQueue() {
      return current().taskQueue;
    },
    startDeal: (overrides) => current().startDeal(overrides),
    advance: (duration) => current().advance(duration),
    retireDeals: () => current().retireDeals(),
    close: () => current().close(),
  };
}

/**
 * The latest process version of the committed list (workflows/process-versions.ts), read when this
 * module loads: before a test registers a version of its own (process-version-v2.ts), so a test
 * that wants its own version on a deal says so (startDeal({ processVersion })).
 */
const LATEST_PROCESS_VERSION = latestProcessVersion();

/** How close (in server time) a timer may be when a skip ends; see Harness.advance. */
const TIMER_GUARD_MS = 60_000;

type CommandFields<N extends CommandName> = Omit<CommandInputs[N], 'requestId' | 'actor'>;

/**
 * Drives one deal the way the API does: Updates with a request id, each result projected into
 * the (fake) read model, and the getState query.
 */
export class DealDriver {
  constructor(
    readonly handle: WorkflowHandleWithFirstExecutionRunId<typeof opportunity>,
    readonly id: string,
    private readonly fakes: FakeActivities,
  ) {}

  async command<N extends CommandName>(
    name: N,
    actor: Actor,
    fields: CommandFields<N>,
    requestId: string = `${name}-${randomUUID()}`,
  ): Promise<CommandResult> {
    const { projection, ...result } = await this.commandWithoutProjecting(name, actor, fields, requestId);
    if (projection) this.fakes.projections.push(structuredClone(projection));
    return result;
  }

  /** A caller that dies after the Update committed and before it projected the result. */
  commandWithoutProjecting<N extends CommandName>(
    name: N,
    actor: Actor,
    fields: CommandFields<N>,
    requestId: string = `${name}-${randomUUID()}`,
  ): Promise<CommandResult> {
    const input = { ...fields, requestId, actor } as CommandInputs[N];
    const update: UpdateDefinition<CommandResult, [CommandInputs[N]], N> = opportunityUpdates[name];
    return this.handle.executeUpdate(update, { args: [input] });
  }

  state(): Promise<OpportunityView> {
    return this.handle.query(getStateQuery);
  }

  /** How far the (fake) read model holds every event of this deal. */
  readModelSeq(): number {
    return this.fakes.readModelSeqOf(this.id);
  }
}

/** Polls until the predicate holds (usable outside jest, e.g. by the history recorder). */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Retries an assertion until it passes: activities and projections land asynchronously. */
export async function eventually<T>(assertion: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** The ApplicationFailure type (error code) a refused Update carries. */
export async function refusalOf(
  promise: Promise<unknown>,
): Promise<{ code: string | undefined; message: string }> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof ApplicationFailure) return { code: cause.type ?? undefined, message: cause.message };
    throw err;
  }
  throw new Error('expected the command to be refused, but it was applied');
}

export const DAY_MS = 24 * 60 * 60 * 1000;
