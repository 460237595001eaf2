// Harness for the account workflow on the time-skipping server: one worker on the shared bundle,
// recording activities (the cap/daily-limit reservation behaves like the PostgreSQL one, which
// test/customers/claims-reservation.test.ts tests for real), and a driver that talks to an account
// exactly as the API does (src/customers/claims-client.ts: executeUpdateWithStart).

import { randomUUID } from 'node:crypto';
import type { Duration } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { readAccountState, sendAccountCommand } from '../../src/customers/claims-client';
import type { AccountUpdateResult } from '../../workflows/account-messages';
import type {
  AccountActivities,
  AccountCommandInputs,
  AccountCommandName,
  AccountEvent,
  AccountProjection,
  AccountView,
  ClaimNotice,
  ClaimReservationRequest,
} from '../../workflows/account-types';
import type { Actor } from '../../workflows/opportunity-types';
import { createTimeSkippingEnv, quietTemporalLogs, workflowBundle } from './helpers';

export class FakeAccountActivities {
  readonly notices: ClaimNotice[] = [];
  readonly projections: AccountProjection[] = [];
  readonly reservations: ClaimReservationRequest[] = [];
  readonly releases: { accountId: string; userId: string }[] = [];
  /** accountId -> holder, as the ClaimHolding table. */
  readonly holdings = new Map<string, string>();
  cap = 50;
  dailyLimit = 10;
  private readonly answers = new Map<string, Awaited<ReturnType<AccountActivities['reserveClaim']>>>();

  asActivities(): AccountActivities {
    return {
      reserveClaim: async (request) => {
        this.reservations.push(request);
        const earlier = this.answers.get(request.requestId);
        if (earlier) return earlier;
        const current = [...this.holdings.values()].filter((u) => u === request.userId).length;
        const day = new Date(Date.parse(request.at) + 8 * 3600_000).toISOString().slice(0, 10);
        const today = this.reservations.filter(
          (r) =>
            r.kind === 'claim' &&
            r.userId === request.userId &&
            this.answers.get(r.requestId)?.ok === true &&
            new Date(Date.parse(r.at) + 8 * 3600_000).toISOString().slice(0, 10) === day,
        ).length;
        let answer: Awaited<ReturnType<AccountActivities['reserveClaim']>>;
        if (request.kind !== 'handover' && current >= this.cap)
          answer = { ok: false, code: 'CLAIM_CAP_REACHED', current, cap: this.cap };
        else if (request.kind === 'claim' && today >= this.dailyLimit)
          answer = { ok: false, code: 'CLAIM_DAILY_LIMIT', today, limit: this.dailyLimit };
        else {
          answer = { ok: true };
          this.holdings.set(request.accountId, request.userId);
        }
        this.answers.set(request.requestId, answer);
        return answer;
      },
      releaseClaim: async ({ accountId, userId }) => {
        this.releases.push({ accountId, userId });
        if (this.holdings.get(accountId) === userId) this.holdings.delete(accountId);
      },
      projectAccount: async (projection) => {
        this.projections.push(structuredClone(projection));
      },
      sendClaimNotice: async (notice) => {
        const first = !this.notices.some((n) => n.key === notice.key);
        this.notices.push(structuredClone(notice));
        return { sent: first, channel: 'email' };
      },
    };
  }

  /** Every projected event of an account, once per seq. */
  journal(accountId: string): AccountEvent[] {
    const bySeq = new Map<number, AccountEvent>();
    for (const p of this.projections.filter((p) => p.view.accountId === accountId))
      for (const e of p.events) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }
}

export interface AccountHarness {
  env: TestWorkflowEnvironment;
  fakes: FakeAccountActivities;
  taskQueue: string;
  account(id?: string): AccountDriver;
  advance(duration: Duration): Promise<void>;
  close(): Promise<void>;
}

export async function createAccountHarness(): Promise<AccountHarness> {
  quietTemporalLogs();
  const env = await createTimeSkippingEnv();
  const fakes = new FakeAccountActivities();
  const taskQueue = `psm-account-test-${randomUUID()}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: fakes.asActivities(),
  });
  const running = worker.run();
  return {
    env,
    fakes,
    taskQueue,
    account: (id = `acc-${randomUUID().replace(/-/g, '')}`) => new AccountDriver(env, taskQueue, id),
    advance: (duration) => env.sleep(duration),
    async close() {
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
}

export function useAccountHarness(): AccountHarness {
  let harness: AccountHarness | undefined;
  beforeAll(async () => {
    harness = await createAccountHarness();
  }, 60_000);
  afterAll(async () => {
    await harness?.close();
  });
  const current = (): AccountHarness => {
    if (!harness) throw new Error('account harness used before beforeAll');
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
    account: (id) => current().account(id),
    advance: (d) => current().advance(d),
    close: () => current().close(),
  };
}

type Fields<N extends AccountCommandName> = Omit<AccountCommandInputs[N], 'requestId' | 'actor'>;

export class AccountDriver {
  constructor(
    private readonly env: TestWorkflowEnvironment,
    private readonly taskQueue: string,
    readonly id: string,
  ) {}

  command<N extends AccountCommandName>(
    name: N,
    actor: Actor,
    fields: Fields<N>,
    requestId = `${name}-${randomUUID()}`,
  ): Promise<AccountUpdateResult> {
    const input = { ...fields, requestId, actor } as AccountCommandInputs[N];
    return sendAccountCommand({ client: this.env.client, taskQueue: this.taskQueue }, this.id, name, input);
  }

  async state(): Promise<AccountView> {
    const view = await readAccountState({ client: this.env.client, taskQueue: this.taskQueue }, this.id);
    if (!view) throw new Error(`account ${this.id} has no workflow`);
    return view;
  }
}
