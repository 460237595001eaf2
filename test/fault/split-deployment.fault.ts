// npm run test:fault [-- scenario ...] — the fault-injection suite on a split deployment: real
// PostgreSQL, Temporal dev server, SMTP receiver, two API and two worker processes on 127.0.0.1.
// Each scenario breaks one part in the middle of a burst of client commands, lets it heal, then
// checks: no accepted command lost or applied twice (workflow journal), the read model shows every
// accepted command within 60 s, every notification arrives once (0 duplicates, except where the
// SMTP server held its 250 while the database died: there a resend must carry the same
// Message-ID), and mail still arrives within 30 s of its command when a worker died.
// Prints one table and exits 1 on any miss. Bounded: ~1–2 min per scenario, 15 min hard stop.
import { startDeployment, type Deployment, type PartName } from './lib/deployment';
import { randomUUID } from 'node:crypto';
import { burst, createDeals, send, type CommandRecord, type LoadOptions } from './lib/load';
import {
  commandFigures,
  duplicatedKeys,
  flaggedInOutbox,
  journalCounts,
  mailFigures,
  readModelCounts,
  type Figures,
} from './lib/verify';

const BURST_MS = Number(process.env.FAULT_BURST_S ?? 20) * 1000;
const DEALS = Number(process.env.FAULT_DEALS ?? 6);
const FAULT_AT_MS = 4000;
/** The database outage outlasts the burst: commands accepted during it get no later command. */
const DB_OUTAGE_AT_MS = 12_000;
const CONVERGENCE_TARGET_S = 60;
const WORKER_DEATH_MAIL_TARGET_S = 30;
/** How long to keep looking after the fault is over before calling a command or mail missing. */
const WAIT_AFTER_HEAL_MS = 75_000;
const HARD_STOP_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stdout.write(`${line}\n`);

/** Deals and commands a scenario adds besides the burst's, to be checked like them. */
interface Extra {
  dealIds: string[];
  records: CommandRecord[];
}

interface Scenario {
  name: string;
  what: string;
  /** Runs from the start of the burst; resolves with the time the fault is over. */
  inject(dep: Deployment, load: LoadOptions, extra: Extra): Promise<number>;
  /** Parts to start again afterwards. */
  killed?: PartName[];
  /** The SMTP server accepted a message whose sender could not record it: resends are expected. */
  resendsExpected?: boolean;
  mailLatencyTargetS?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'api-kill',
    what: 'kill -9 an API process after it answered a command and before its projection committed',
    killed: ['api-1'],
    async inject(dep, load, extra) {
      // A deal of its own that gets this one command and nothing after it, so no later command
      // (whose projection fills gaps) repairs its read model by chance.
      const [deal] = await createDeals(load, 1, 'api-kill-last');
      extra.dealIds.push(deal!);
      await sleep(FAULT_AT_MS);
      // The window between an answer and its projection is milliseconds; a transaction holding the
      // deal's read-model row widens it (as a slow database would) so the kill lands inside it.
      const lock = await dep.db.connect();
      try {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM "Opportunity" WHERE id = $1 FOR UPDATE', [deal]);
        const pid = dep.parts.get('api-1')!.pid;
        const marker = `m-${randomUUID()}`;
        const {
          body: _body,
          stop: _stop,
          ...record
        } = await send(
          {
            ...load,
            apis: [load.apis[0]!],
            afterAccepted: () => {
              process.kill(pid, 'SIGKILL');
              return true;
            },
          },
          { kind: 'logActivity', dealId: deal!, marker },
          {
            method: 'POST',
            path: `/api/opportunities/${deal}/activities`,
            body: { kind: 'call', occurredAt: new Date().toISOString(), note: marker },
            as: 'rep',
          },
          0,
        );
        extra.records.push(record);
        await dep.kill9('api-1');
        await lock.query('ROLLBACK');
      } finally {
        lock.release();
      }
      return Date.now();
    },
  },
  {
    name: 'worker-kill',
    what: 'kill -9 a worker process in the middle of delivering a mail (after MAIL FROM)',
    killed: ['worker-1', 'worker-2'],
    mailLatencyTargetS: WORKER_DEATH_MAIL_TARGET_S,
    async inject(dep) {
      await sleep(FAULT_AT_MS);
      let victim: PartName | undefined;
      await new Promise<void>((resolve) => {
        dep.mail.onMailFrom = async (senderPort) => {
          const part = dep.partOnPort(senderPort);
          if (!part?.startsWith('worker') || victim) return;
          victim = part;
          dep.mail.onMailFrom = undefined;
          await dep.kill9(part);
          log(`  killed ${part} while it was sending a mail`);
          resolve();
        };
      });
      return Date.now();
    },
  },
  {
    name: 'db-outage',
    what: 'PostgreSQL crashes (immediate stop) 12 s into the burst, back 10 s later, after the burst',
    async inject(dep) {
      await sleep(DB_OUTAGE_AT_MS);
      dep.crashDatabase();
      await sleep(10_000);
      dep.restartDatabase();
      return Date.now();
    },
  },
  {
    name: 'smtp-outage',
    what: 'the SMTP server is down for 15 s mid-burst',
    async inject(dep) {
      await sleep(FAULT_AT_MS);
      await dep.mail.down();
      await sleep(15_000);
      await dep.mail.up();
      return Date.now();
    },
  },
  {
    name: 'smtp-hold-db-dies',
    what: 'the SMTP server holds its 250 while PostgreSQL crashes; both back after 8 s',
    resendsExpected: true,
    async inject(dep) {
      await sleep(FAULT_AT_MS);
      dep.mail.hold();
      for (let i = 0; i < 100 && dep.mail.held() === 0; i++) await sleep(100);
      dep.crashDatabase();
      log(`  PostgreSQL crashed while the SMTP server held ${dep.mail.held()} accepted mails`);
      await sleep(2000);
      dep.mail.release();
      await sleep(6000);
      dep.restartDatabase();
      return Date.now();
    },
  },
  {
    name: 'temporal-kill',
    what: 'kill -9 the Temporal server mid-burst, restarted on its database file after 3 s',
    async inject(dep) {
      await sleep(FAULT_AT_MS);
      await dep.killTemporal();
      await sleep(3000);
      await dep.restartTemporal();
      return Date.now();
    },
  },
];

interface Outcome {
  scenario: Scenario;
  figures: Figures;
  misses: string[];
}

async function runScenario(dep: Deployment, scenario: Scenario): Promise<Outcome> {
  log(`\n== ${scenario.name}: ${scenario.what}`);
  const load: LoadOptions = {
    apis: dep.apis,
    tokens: dep.tokens,
    requestTimeoutMs: 15_000,
    commandDeadlineMs: 60_000,
  };
  const dealIds = await createDeals(load, DEALS, scenario.name);
  const started = Date.now();
  const extra: Extra = { dealIds: [], records: [] };
  const [burstRecords, healedAt] = await Promise.all([
    burst(load, dealIds, started + BURST_MS),
    scenario.inject(dep, load, extra),
  ]);
  const records = [...burstRecords, ...extra.records];
  dealIds.push(...extra.dealIds);
  const accepted = records.filter((r) => r.outcome === 'accepted');
  const lastAccepted = Math.max(started, ...accepted.map((r) => r.acceptedAt!));
  const from = Math.max(healedAt, lastAccepted);
  log(
    `  burst over after ${((Date.now() - started) / 1000).toFixed(1)} s: ${records.length} commands, ${accepted.length} accepted; fault over at +${((healedAt - started) / 1000).toFixed(1)} s`,
  );

  // Watch the read model and the mailbox until both are complete or the wait is over.
  let convergedAt: number | undefined;
  let readModelMissing = accepted.length;
  const expectedMails = new Set(records.flatMap((r) => r.mails));
  const mailsDone = () => {
    const got = new Set(dep.mail.mails.filter((m) => m.receivedAt >= started).map((m) => m.key));
    return [...expectedMails].every((k) => got.has(k));
  };
  while (Date.now() < from + WAIT_AFTER_HEAL_MS) {
    if (convergedAt === undefined) {
      const rows = await readModelCounts(dep.db, dealIds);
      if (rows) {
        readModelMissing = accepted.filter((r) => !rows.has(r.marker)).length;
        if (readModelMissing === 0) convergedAt = Date.now();
      }
    }
    if (convergedAt !== undefined && mailsDone()) break;
    await sleep(500);
  }
  // Late resends show up a little after the first copy: give them a moment.
  await sleep(3000);

  const journal = await journalCounts(dep.temporal, dealIds);
  const figures: Figures = {
    ...commandFigures(records, journal),
    ...mailFigures(records, dep.mail.mails, started),
    mailsFlaggedInOutbox: await flaggedInOutbox(dep.db, duplicatedKeys(dep.mail.mails, started)),
    convergenceS: convergedAt === undefined ? undefined : Math.max(0, (convergedAt - from) / 1000),
    readModelMissing,
  };
  const misses = judge(scenario, figures, records);
  for (const part of scenario.killed ?? []) await dep.revive(part);
  log(`  ${misses.length === 0 ? 'PASS' : `FAIL: ${misses.join('; ')}`}`);
  return { scenario, figures, misses };
}

function judge(scenario: Scenario, f: Figures, records: CommandRecord[]): string[] {
  const misses: string[] = [];
  if (f.lost > 0) misses.push(`${f.lost} accepted commands lost`);
  if (f.appliedTwice > 0) misses.push(`${f.appliedTwice} commands applied twice`);
  if (f.serverErrors > 0) {
    const statuses = [...new Set(records.filter((r) => r.outcome === 'server_error').map((r) => r.status))];
    misses.push(`${f.serverErrors} answers ${statuses.join('/')} (a client can only retry 503)`);
  }
  if (f.gaveUp > 0) misses.push(`${f.gaveUp} commands got no answer within 60 s of retrying`);
  if (f.convergenceS === undefined)
    misses.push(
      `read model still misses ${f.readModelMissing} accepted commands after ${WAIT_AFTER_HEAL_MS / 1000} s`,
    );
  else if (f.convergenceS > CONVERGENCE_TARGET_S)
    misses.push(`read model converged after ${f.convergenceS.toFixed(1)} s (> ${CONVERGENCE_TARGET_S} s)`);
  if (f.mailsMissing > 0) misses.push(`${f.mailsMissing} mails not received`);
  const unflagged = f.mailsDuplicated - f.mailsDuplicatedFlagged;
  if (scenario.resendsExpected ? unflagged > 0 : f.mailsDuplicated > 0)
    misses.push(`${f.mailsDuplicated} duplicate mails (${f.mailsDuplicatedFlagged} same Message-ID/flagged)`);
  if (
    scenario.mailLatencyTargetS !== undefined &&
    f.mailsMissing === 0 &&
    f.mailMaxLatencyS > scenario.mailLatencyTargetS
  )
    misses.push(`a mail took ${f.mailMaxLatencyS.toFixed(1)} s (> ${scenario.mailLatencyTargetS} s)`);
  return misses;
}

function printTable(outcomes: Outcome[]): void {
  const cols: [string, (o: Outcome) => string][] = [
    ['scenario', (o) => o.scenario.name],
    ['sent', (o) => String(o.figures.sent)],
    ['2xx', (o) => String(o.figures.accepted)],
    ['4xx', (o) => String(o.figures.refused)],
    ['5xx', (o) => String(o.figures.serverErrors)],
    ['no answer', (o) => String(o.figures.gaveUp)],
    ['applied once', (o) => String(o.figures.appliedOnce)],
    ['twice', (o) => String(o.figures.appliedTwice)],
    ['lost', (o) => String(o.figures.lost)],
    ['mails exp', (o) => String(o.figures.mailsExpected)],
    ['recv', (o) => String(o.figures.mailsReceived)],
    ['dup (same id)', (o) => `${o.figures.mailsDuplicated} (${o.figures.mailsDuplicatedFlagged})`],
    [
      'flagged',
      (o) => (o.figures.mailsFlaggedInOutbox === undefined ? 'n/a' : String(o.figures.mailsFlaggedInOutbox)),
    ],
    [
      'mail max s',
      (o) =>
        o.figures.mailsMissing > 0 ? `>${WAIT_AFTER_HEAL_MS / 1000}` : o.figures.mailMaxLatencyS.toFixed(1),
    ],
    [
      'read model s',
      (o) =>
        o.figures.convergenceS === undefined
          ? `>${WAIT_AFTER_HEAL_MS / 1000}`
          : o.figures.convergenceS.toFixed(1),
    ],
    ['result', (o) => (o.misses.length === 0 ? 'pass' : 'FAIL')],
  ];
  const widths = cols.map(([h, f]) => Math.max(h.length, ...outcomes.map((o) => f(o).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  log('');
  log(line(cols.map(([h]) => h)));
  log(line(widths.map((w) => '-'.repeat(w))));
  for (const o of outcomes) log(line(cols.map(([, f]) => f(o))));
  log(
    `\ntargets: 0 lost, 0 applied twice, 0 mail duplicates (resends with the same Message-ID allowed only in smtp-hold-db-dies), read model ≤ ${CONVERGENCE_TARGET_S} s after the fault is over, mail ≤ ${WORKER_DEATH_MAIL_TARGET_S} s after its command when a worker dies`,
  );
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
  if (unknown.length)
    throw new Error(
      `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    );
  const scenarios = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;
  const started = Date.now();
  log('starting the split deployment (PostgreSQL, Temporal, SMTP, 2 API + 2 worker processes)');
  const dep = await startDeployment(log);
  log(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s; logs in ${dep.dir}`);
  const outcomes: Outcome[] = [];
  try {
    for (const scenario of scenarios) outcomes.push(await runScenario(dep, scenario));
  } finally {
    printTable(outcomes);
    await dep.stop();
  }
  log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return outcomes.every((o) => o.misses.length === 0) && outcomes.length === scenarios.length ? 0 : 1;
}

setTimeout(() => {
  log(`fault suite: hard stop after ${HARD_STOP_MS / 60_000} min`);
  process.exit(1);
}, HARD_STOP_MS).unref();

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
