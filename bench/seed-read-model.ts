// Seeds a migrated database with a company (directors → managers → reps), their targets, and
// `deals` opportunities whose journals hold `events` events in total, with the milestone,
// approval, activity and escalation rows the projection would have written. Shows a progress bar.
import { randomUUID } from 'node:crypto';
import { SingleBar, Presets } from 'cli-progress';
import { Client } from 'pg';
import { BatchInserter } from './report-batch-insert';
import { DealGenerator, mulberry32, type OrgForSeed } from './report-deal-generator';

export interface SeededOrg extends OrgForSeed {
  adminId: string;
  directorIds: string[];
  managerIds: string[];
}

export interface SeedOptions {
  databaseUrl: string;
  deals: number;
  events: number;
  directors?: number;
  managersPerDirector?: number;
  repsPerManager?: number;
  now?: number;
  seed?: number;
}

async function seedUsers(
  client: Client,
  o: Required<Pick<SeedOptions, 'directors' | 'managersPerDirector' | 'repsPerManager'>>,
): Promise<SeededOrg> {
  const users = new BatchInserter(client, 'User', [
    { name: 'id', type: 'uuid' },
    { name: 'name', type: 'text' },
    { name: 'email', type: 'text' },
    { name: 'locale', type: '"Locale"' },
    { name: 'role', type: '"Role"' },
    { name: 'managerId', type: 'uuid' },
    { name: 'updatedAt', type: 'timestamp(3)' },
  ]);
  const now = new Date().toISOString();
  const add = async (name: string, role: string, managerId: string | null) => {
    const id = randomUUID();
    await users.add([
      id,
      name,
      `${name.replace(/\s+/g, '.').toLowerCase()}@bench.psm`,
      'zh-CN',
      role,
      managerId,
      now,
    ]);
    return id;
  };
  const adminId = await add('Bench Admin', 'admin', null);
  const org: SeededOrg = { adminId, directorIds: [], managerIds: [], repIds: [], lineOf: new Map() };
  for (let d = 0; d < o.directors; d += 1) {
    const director = await add(`Director ${d}`, 'director', null);
    org.directorIds.push(director);
    for (let m = 0; m < o.managersPerDirector; m += 1) {
      const manager = await add(`Manager ${d}-${m}`, 'manager', director);
      org.managerIds.push(manager);
      for (let r = 0; r < o.repsPerManager; r += 1) {
        const rep = await add(`Rep ${d}-${m}-${r}`, 'rep', manager);
        org.repIds.push(rep);
        org.lineOf.set(rep, [manager, director]);
      }
    }
  }
  await users.flush();
  return org;
}

/** Quarterly targets for every rep over the seeded year and the next quarter. */
async function seedTargets(client: Client, org: SeededOrg, now: number, rand: () => number): Promise<void> {
  const targets = new BatchInserter(client, 'SalesTarget', [
    { name: 'userId', type: 'uuid' },
    { name: 'periodStart', type: 'date' },
    { name: 'periodEnd', type: 'date' },
    { name: 'amount', type: 'numeric' },
    { name: 'updatedAt', type: 'timestamp(3)' },
  ]);
  const year = new Date(now).getUTCFullYear();
  const quarters = [year - 1, year].flatMap((y) => [0, 3, 6, 9].map((m) => [y, m] as const));
  for (const rep of org.repIds) {
    for (const [y, m] of quarters) {
      const start = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
      const end = new Date(Date.UTC(y, m + 3, 0)).toISOString().slice(0, 10);
      await targets.add([
        rep,
        start,
        end,
        Math.round(2_000_000 + rand() * 3_000_000),
        new Date(now).toISOString(),
      ]);
    }
  }
  await targets.flush();
}

function dealInserters(client: Client) {
  const opportunities = new BatchInserter(
    client,
    'Opportunity',
    [
      { name: 'id', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'account', type: 'text' },
      { name: 'amount', type: 'numeric' },
      { name: 'currency', type: 'text' },
      { name: 'ownerId', type: 'uuid' },
      { name: 'milestone', type: 'text' },
      { name: 'milestoneIndex', type: 'int' },
      { name: 'probability', type: 'int' },
      { name: 'status', type: '"OpportunityStatus"' },
      { name: 'expectedCloseDate', type: 'date' },
      { name: 'stageEnteredAt', type: 'timestamp(3)' },
      { name: 'lastActivityAt', type: 'timestamp(3)' },
      { name: 'escalationLevel', type: 'int' },
      { name: 'stalled', type: 'boolean' },
      { name: 'noSponsorWarning', type: 'boolean' },
      { name: 'lostReason', type: 'text' },
      { name: 'createdAt', type: 'timestamp(3)' },
      { name: 'closedAt', type: 'timestamp(3)' },
      { name: 'lastEventSeq', type: 'int' },
      { name: 'projectedAt', type: 'timestamp(3)' },
    ],
    2_000,
  );
  const parents = () => opportunities.flush();
  return {
    opportunities,
    events: new BatchInserter(
      client,
      'OpportunityEvent',
      [
        { name: 'opportunityId', type: 'text' },
        { name: 'seq', type: 'int' },
        { name: 'type', type: 'text' },
        { name: 'actorId', type: 'uuid' },
        { name: 'occurredAt', type: 'timestamp(3)' },
        { name: 'payload', type: 'jsonb' },
      ],
      10_000,
      parents,
    ),
    milestones: new BatchInserter(
      client,
      'MilestoneEvent',
      [
        { name: 'opportunityId', type: 'text' },
        { name: 'milestoneIndex', type: 'int' },
        { name: 'milestone', type: 'text' },
        { name: 'ownerId', type: 'uuid' },
        { name: 'enteredAt', type: 'timestamp(3)' },
        { name: 'leftAt', type: 'timestamp(3)' },
        { name: 'slaBreached', type: 'boolean' },
        { name: 'skipped', type: 'boolean' },
        { name: 'seq', type: 'int' },
      ],
      5_000,
      parents,
    ),
    approvals: new BatchInserter(
      client,
      'Approval',
      [
        { name: 'id', type: 'text' },
        { name: 'opportunityId', type: 'text' },
        { name: 'kind', type: 'text' },
        { name: 'milestone', type: 'text' },
        { name: 'amount', type: 'numeric' },
        { name: 'requestedById', type: 'uuid' },
        { name: 'approverId', type: 'uuid' },
        { name: 'status', type: '"ApprovalStatus"' },
        { name: 'reason', type: 'text' },
        { name: 'requestedAt', type: 'timestamp(3)' },
        { name: 'decidedAt', type: 'timestamp(3)' },
        { name: 'decidedById', type: 'uuid' },
        { name: 'comment', type: 'text' },
      ],
      5_000,
      parents,
    ),
    activities: new BatchInserter(
      client,
      'SalesActivity',
      [
        { name: 'opportunityId', type: 'text' },
        { name: 'seq', type: 'int' },
        { name: 'kind', type: 'text' },
        { name: 'occurredAt', type: 'timestamp(3)' },
        { name: 'note', type: 'text' },
        { name: 'actorId', type: 'uuid' },
      ],
      10_000,
      parents,
    ),
    escalations: new BatchInserter(
      client,
      'EscalationSent',
      [
        { name: 'opportunityId', type: 'text' },
        { name: 'key', type: 'text' },
        { name: 'kind', type: 'text' },
        { name: 'level', type: 'int' },
        { name: 'milestone', type: 'text' },
        { name: 'recipientIds', type: 'text', select: 'ARRAY[u."recipientIds"]' },
        { name: 'sentAt', type: 'timestamp(3)' },
      ],
      5_000,
      parents,
    ),
  };
}

export interface SeedResult {
  org: SeededOrg;
  rows: Record<string, number>;
  seconds: number;
  /** Of which rebuilding the report rollups. */
  rollupSeconds: number;
}

export async function seedReadModel(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const now = options.now ?? Date.now();
  const rand = mulberry32(options.seed ?? 20260105);
  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    // A bulk load: nothing here needs to survive a crash of the throwaway cluster.
    await client.query('SET synchronous_commit = off');
    // Triggers off while loading (the cluster's superuser may): refreshing the report rollups
    // deal by deal would take most of the seed's time; they are rebuilt in one pass at the end.
    await client.query('SET session_replication_role = replica');
    const org = await seedUsers(client, {
      directors: options.directors ?? 4,
      managersPerDirector: options.managersPerDirector ?? 10,
      repsPerManager: options.repsPerManager ?? 10,
    });
    await seedTargets(client, org, now, rand);
    const sink = dealInserters(client);
    const generator = new DealGenerator(rand, org, now);
    const bar = new SingleBar(
      {
        format: 'seeding {bar} {percentage}% | {value}/{total} deals | {events} events | {duration}s',
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(options.deals, 0, { events: 0 });
    let eventsSoFar = 0;
    for (let i = 0; i < options.deals; i += 1) {
      // Keeps the running total on course for exactly `events` journal rows.
      const due = Math.round((options.events * (i + 1)) / options.deals);
      const deal = generator.generate(i, (lifecycle) => due - eventsSoFar - lifecycle);
      eventsSoFar += deal.events.length;
      await sink.opportunities.add(deal.opportunity);
      for (const row of deal.events) await sink.events.add(row);
      for (const row of deal.milestones) await sink.milestones.add(row);
      for (const row of deal.approvals) await sink.approvals.add(row);
      for (const row of deal.activities) await sink.activities.add(row);
      for (const row of deal.escalations) await sink.escalations.add(row);
      if (i % 500 === 499 || i === options.deals - 1) bar.update(i + 1, { events: eventsSoFar });
    }
    // Parents before children: the foreign keys are checked per statement.
    await sink.opportunities.flush();
    for (const s of [sink.events, sink.milestones, sink.approvals, sink.activities, sink.escalations])
      await s.flush();
    bar.stop();
    await client.query('SET session_replication_role = origin');
    const rebuilding = Date.now();
    await client.query('SELECT report_rollup_rebuild()');
    const rollupSeconds = (Date.now() - rebuilding) / 1000;
    await client.query('VACUUM ANALYZE');
    return {
      org,
      rows: Object.fromEntries(Object.entries(sink).map(([k, s]) => [k, s.inserted])),
      seconds: (Date.now() - started) / 1000,
      rollupSeconds,
    };
  } finally {
    await client.end();
  }
}
