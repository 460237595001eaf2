// The clients of a burst: each works one deal, sending commands with an Idempotency-Key and
// retrying as a real client would (same key, the other API, on 502/503/504, timeouts and
// connection errors) until a final answer or its deadline. Every command carries a unique marker
// (the activity note, approval reason or decision comment) so the journal shows how often it
// applied.
import { randomUUID } from 'node:crypto';

export type CommandKind = 'create' | 'logActivity' | 'requestApproval' | 'decideApproval';

export interface CommandRecord {
  kind: CommandKind;
  dealId: string;
  marker: string;
  sentAt: number;
  attempts: number;
  /** accepted: a 2xx; refused: a 4xx; server_error: a 5xx a client cannot retry; gave_up: deadline. */
  outcome: 'accepted' | 'refused' | 'server_error' | 'gave_up';
  status?: number;
  acceptedAt?: number;
  approvalId?: string;
  /** Notification keys this command should cause to be mailed. */
  mails: string[];
}

export interface LoadOptions {
  apis: string[];
  tokens: { rep: string; manager: string };
  /** Per-attempt HTTP timeout. */
  requestTimeoutMs: number;
  /** How long a client keeps retrying one command. */
  commandDeadlineMs: number;
  /**
   * Called the moment an API answers 2xx to an activity, before the body is read (a fault can
   * strike between an answer and what the API does after it). true: that client stops.
   */
  afterAccepted?: (apiIndex: number, record: { kind: CommandKind; dealId: string }) => boolean;
}

const RETRYABLE = new Set([502, 503, 504]);
// A deal's state keeps its latest 200 events. Every 5 commands make 7 events (the approval request and
// the decision each also journal their mail), so 150 commands made 210 and on a fast run (every deal
// reaching the cap) the oldest commands fell out of getState and were counted lost. 120 make 168.
const MAX_COMMANDS_PER_DEAL = 120;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function send(
  opts: LoadOptions,
  record: Omit<CommandRecord, 'sentAt' | 'attempts' | 'outcome' | 'mails'> & { mails?: string[] },
  request: { method: string; path: string; body: unknown; as: 'rep' | 'manager' },
  pick: number,
): Promise<CommandRecord & { body?: Record<string, unknown>; stop?: boolean }> {
  const key = `fault:${randomUUID()}`;
  const sentAt = Date.now();
  const deadline = sentAt + opts.commandDeadlineMs;
  let attempts = 0;
  let status: number | undefined;
  for (;;) {
    const apiIndex = (pick + attempts) % opts.apis.length;
    const api = opts.apis[apiIndex]!;
    attempts++;
    try {
      const res = await fetch(`${api}${request.path}`, {
        method: request.method,
        headers: {
          Authorization: `Bearer ${opts.tokens[request.as]}`,
          'Content-Type': 'application/json',
          'Idempotency-Key': key,
        },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(opts.requestTimeoutMs),
      });
      status = res.status;
      const ok = res.status >= 200 && res.status < 300;
      const stop = ok && record.kind === 'logActivity' && (opts.afterAccepted?.(apiIndex, record) ?? false);
      const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
      if (ok) {
        return {
          ...record,
          mails: [],
          sentAt,
          attempts,
          outcome: 'accepted',
          status,
          acceptedAt: Date.now(),
          body,
          stop,
        };
      }
      if (!RETRYABLE.has(res.status)) {
        return {
          ...record,
          mails: [],
          sentAt,
          attempts,
          outcome: res.status >= 500 ? 'server_error' : 'refused',
          status,
          body,
        };
      }
    } catch {
      status = undefined; // connection refused or reset, or our timeout: the outcome is unknown
    }
    if (Date.now() > deadline) return { ...record, mails: [], sentAt, attempts, outcome: 'gave_up', status };
    await sleep(Math.min(2000, 200 * attempts));
  }
}

export async function createDeals(opts: LoadOptions, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await send(
      opts,
      { kind: 'create', dealId: '', marker: `${label}-${i}` },
      {
        method: 'POST',
        path: '/api/opportunities',
        body: { name: `Fault ${label} ${i}`, account: 'Fault Co', amount: 100_000 },
        as: 'rep',
      },
      i,
    );
    const id = r.body?.id;
    if (r.outcome !== 'accepted' || typeof id !== 'string') {
      throw new Error(`creating a deal failed: ${r.outcome} ${r.status} ${JSON.stringify(r.body)}`);
    }
    ids.push(id);
  }
  // Approvals need the owner's reporting line, which the workflow looks up after it starts.
  for (const id of ids) {
    for (let i = 0; ; i++) {
      const res = await fetch(`${opts.apis[0]}/api/opportunities/${id}`, {
        headers: { Authorization: `Bearer ${opts.tokens.rep}` },
      }).catch(() => undefined);
      const state = res?.ok ? ((await res.json()) as { reportingLine?: unknown }) : undefined;
      if (state?.reportingLine) break;
      if (i > 300) throw new Error(`deal ${id} never got its reporting line`);
      await sleep(100);
    }
  }
  return ids;
}

/**
 * One client per deal until `until`: activity, activity, approval request, activity, decision,
 * and again. Each approval request mails the manager; each decision mails the rep back.
 */
export async function burst(opts: LoadOptions, dealIds: string[], until: number): Promise<CommandRecord[]> {
  const records: CommandRecord[] = [];
  await Promise.all(
    dealIds.map(async (dealId, client) => {
      let step = 0;
      let approvalId: string | undefined;
      // getState holds a deal's latest 200 events: stay below, or old commands would look lost.
      while (Date.now() < until && step < MAX_COMMANDS_PER_DEAL) {
        const marker = `m-${randomUUID()}`;
        const path = `/api/opportunities/${dealId}`;
        const phase = step++ % 5;
        let r: CommandRecord & { body?: Record<string, unknown>; stop?: boolean };
        if (phase === 2) {
          r = await send(
            opts,
            { kind: 'requestApproval', dealId, marker },
            {
              method: 'POST',
              path: `${path}/approvals`,
              body: { kind: 'discount', amount: 1000, reason: marker },
              as: 'rep',
            },
            client + step,
          );
          approvalId = r.outcome === 'accepted' ? String(r.body?.approvalId) : undefined;
          if (approvalId) r.mails = [`${dealId}:approval:${approvalId}:request`];
        } else if (phase === 4) {
          if (!approvalId) continue;
          r = await send(
            opts,
            { kind: 'decideApproval', dealId, marker, approvalId },
            {
              method: 'POST',
              path: `${path}/approvals/${approvalId}/decision`,
              body: { decision: 'approved', comment: marker },
              as: 'manager',
            },
            client + step,
          );
          if (r.outcome === 'accepted') r.mails = [`${dealId}:approval:${approvalId}:decision`];
          approvalId = undefined;
        } else {
          r = await send(
            opts,
            { kind: 'logActivity', dealId, marker },
            {
              method: 'POST',
              path: `${path}/activities`,
              body: { kind: 'call', occurredAt: new Date().toISOString(), note: marker },
              as: 'rep',
            },
            client + step,
          );
        }
        const stop = r.stop;
        delete r.body;
        delete r.stop;
        records.push(r);
        if (stop) break;
        // A client that got a final error does not hammer the API (a 500 answers in microseconds).
        if (r.outcome !== 'accepted') await sleep(250);
      }
    }),
  );
  return records;
}
