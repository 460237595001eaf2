// What a scenario measures once its fault is over: how often each command applied (the workflow
// journal, through the getState query), when the read model (PostgreSQL) showed every accepted
// command, and which notifications the SMTP receiver got how often.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { CommandRecord } from './load';
import type { SunkMail } from './mail-sink';

interface JournalEvent {
  type: string;
  payload?: Record<string, unknown>;
}

const markerOf = (payload: Record<string, unknown> | undefined): string | undefined => {
  const m = payload?.note ?? payload?.reason ?? payload?.comment;
  return typeof m === 'string' && m.startsWith('m-') ? m : undefined;
};

/** Marker → times applied, from each deal's workflow. Retries the query while a worker recovers. */
export async function journalCounts(client: Client, dealIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const id of dealIds) {
    let events: JournalEvent[] | undefined;
    for (let i = 0; !events; i++) {
      try {
        const view = await client.workflow.getHandle(id).query<{ events: JournalEvent[] }>('getState');
        events = view.events;
      } catch (err) {
        if (i >= 30) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    for (const e of events) {
      const m = markerOf(e.payload);
      if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
  }
  return counts;
}

/** Marker → rows in the read model's journal; undefined while the database does not answer. */
export async function readModelCounts(db: Pool, dealIds: string[]): Promise<Map<string, number> | undefined> {
  try {
    const { rows } = await db.query<{ marker: string; n: string }>(
      `SELECT coalesce(payload->>'note', payload->>'reason', payload->>'comment') AS marker, count(*) AS n
         FROM "OpportunityEvent" WHERE "opportunityId" = ANY($1) GROUP BY 1`,
      [dealIds],
    );
    return new Map(rows.filter((r) => r.marker?.startsWith('m-')).map((r) => [r.marker, Number(r.n)]));
  } catch {
    return undefined;
  }
}

export interface Figures {
  sent: number;
  accepted: number;
  refused: number;
  serverErrors: number;
  gaveUp: number;
  appliedOnce: number;
  appliedTwice: number;
  lost: number;
  /** Not accepted (no 2xx) but applied: fine, the client never learnt the outcome. */
  appliedUnacknowledged: number;
  mailsExpected: number;
  mailsReceived: number;
  mailsDuplicated: number;
  mailsDuplicatedFlagged: number;
  /** Duplicated notifications whose EmailMessage row says possiblyDuplicated (undefined: no such column). */
  mailsFlaggedInOutbox: number | undefined;
  mailsMissing: number;
  mailMaxLatencyS: number;
  /** Seconds from the fault being over until the read model showed every accepted command. */
  convergenceS: number | undefined;
  readModelMissing: number;
}

/** Notification keys among `keys` that the outbox flagged possiblyDuplicated. */
export async function flaggedInOutbox(db: Pool, keys: string[]): Promise<number | undefined> {
  if (keys.length === 0) return 0;
  try {
    const { rows } = await db.query(
      `SELECT 1 FROM "EmailMessage" WHERE "possiblyDuplicated" AND "idempotencyKey" = ANY($1)`,
      [keys],
    );
    return rows.length;
  } catch {
    return undefined;
  }
}

export function duplicatedKeys(mails: SunkMail[], since: number): string[] {
  const seen = new Map<string, number>();
  for (const m of mails) if (m.receivedAt >= since) seen.set(m.key, (seen.get(m.key) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

export function mailFigures(records: CommandRecord[], mails: SunkMail[], since: number) {
  const expected = new Map<string, number>();
  for (const r of records) for (const k of r.mails) expected.set(k, r.acceptedAt!);
  const byKey = new Map<string, SunkMail[]>();
  for (const m of mails) if (m.receivedAt >= since) byKey.set(m.key, [...(byKey.get(m.key) ?? []), m]);
  let received = 0;
  let duplicated = 0;
  let flagged = 0;
  let maxLatency = 0;
  for (const [key, acceptedAt] of expected) {
    const got = byKey.get(key) ?? [];
    if (got.length > 0) {
      received++;
      maxLatency = Math.max(maxLatency, (got[0]!.receivedAt - acceptedAt) / 1000);
    }
    if (got.length > 1) {
      duplicated += got.length - 1;
      flagged += got.slice(1).filter((m) => m.flaggedDuplicate || m.messageId === got[0]!.messageId).length;
    }
  }
  return {
    mailsExpected: expected.size,
    mailsReceived: received,
    mailsDuplicated: duplicated,
    mailsDuplicatedFlagged: flagged,
    mailsMissing: expected.size - received,
    mailMaxLatencyS: maxLatency,
  };
}

export function commandFigures(records: CommandRecord[], journal: Map<string, number>) {
  const burst = records.filter((r) => r.kind !== 'create');
  const accepted = burst.filter((r) => r.outcome === 'accepted');
  const applied = (r: CommandRecord) => journal.get(r.marker) ?? 0;
  return {
    sent: burst.length,
    accepted: accepted.length,
    refused: burst.filter((r) => r.outcome === 'refused').length,
    serverErrors: burst.filter((r) => r.outcome === 'server_error').length,
    gaveUp: burst.filter((r) => r.outcome === 'gave_up').length,
    appliedOnce: burst.filter((r) => applied(r) === 1).length,
    appliedTwice: burst.filter((r) => applied(r) > 1).length,
    lost: accepted.filter((r) => applied(r) === 0).length,
    appliedUnacknowledged: burst.filter((r) => r.outcome !== 'accepted' && applied(r) > 0).length,
  };
}
