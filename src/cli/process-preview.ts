// npm run process:preview [-- --base <git ref> | --base-definition <file>] [--definition <file>]
//                          [--locale zh-CN|en] [--json]
// What a change to the sales process does before it is deployed (issue 17): compares the working
// copy's definition (workflows/psm-process.ts, or --definition: a module exporting PSM_PROCESS)
// with the deployed one (workflows/psm-process.ts at --base, default HEAD, or --base-definition),
// lists each change (structural: needs a new process version and a migration; a number: safe), and,
// when TEMPORAL_ADDRESS and DATABASE_URL are set, the running deals each change affects: due dates
// that move and by how much, criteria or gates they must now meet, deals sitting in a milestone that
// moves or goes. Reads only: it queries each running deal's workflow and changes nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@temporalio/client';
import { openConnection } from '../temporal/connect';
import { createPrismaClient } from '../db/prisma';
import { loadRunningSystemConfig } from '../config';
import type { ProcessDefinition } from '../../workflows/psm-process';
import { getStateQuery } from '../../workflows/opportunity-messages';
import { latestProcessVersion } from '../../workflows/process-versions';
import { affectedDeals, type RunningDeal } from '../process/affected-deals';
import { diffDefinitions } from '../process/diff-definitions';
import { buildPreview, renderPreview } from '../process/preview-report';

const REPO_ROOT = path.resolve(__dirname, '../..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function loadDefinition(file: string): Promise<ProcessDefinition> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as {
    PSM_PROCESS?: ProcessDefinition;
    default?: { PSM_PROCESS?: ProcessDefinition };
  };
  const def = mod.PSM_PROCESS ?? mod.default?.PSM_PROCESS;
  if (!def) throw new Error(`${file} exports no PSM_PROCESS`);
  return def;
}

/** workflows/psm-process.ts as committed at `ref` (its workflows/ folder, extracted to a temp dir). */
async function definitionAtRef(ref: string): Promise<ProcessDefinition> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-preview-'));
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', ref, 'workflows'], { cwd: REPO_ROOT });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    return await loadDefinition(path.join(dir, 'workflows/psm-process.ts'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every open or on-hold deal (read model) as its workflow shows it now. */
async function runningDeals(address: string, namespace: string, databaseUrl: string): Promise<RunningDeal[]> {
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
  const connection = await openConnection({ address });
  try {
    const client = new Client({ connection, namespace });
    const rows = await prisma.opportunity.findMany({
      where: { status: { in: ['open', 'on_hold'] } },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    const out: RunningDeal[] = [];
    for (let i = 0; i < rows.length; i += 10) {
      const views = await Promise.all(
        rows.slice(i, i + 10).map((r) =>
          client.workflow
            .getHandle(r.id)
            .query(getStateQuery)
            .catch(() => null),
        ),
      );
      for (const v of views) {
        if (!v) continue;
        out.push({
          id: v.id,
          name: v.name,
          ownerId: v.ownerId,
          status: v.status,
          processVersion: v.processVersion ?? 1,
          milestone: v.milestone,
          reachedIndex: v.reachedIndex,
          timers: v.timers.map((t) => ({ kind: t.kind, dueAt: t.dueAt, level: t.level })),
        });
      }
    }
    return out;
  } finally {
    await connection.close();
    await prisma.$disconnect();
  }
}

async function main(): Promise<void> {
  const baseDefinitionFile = arg('--base-definition');
  const baseRef = arg('--base') ?? 'HEAD';
  const nextFile = arg('--definition') ?? path.join(REPO_ROOT, 'workflows/psm-process.ts');
  const locale = arg('--locale') ?? 'zh-CN';
  const base = {
    label: baseDefinitionFile ?? `${baseRef}:workflows/psm-process.ts`,
    definition: baseDefinitionFile
      ? await loadDefinition(baseDefinitionFile)
      : await definitionAtRef(baseRef),
  };
  const next = {
    label: path.relative(process.cwd(), nextFile) || nextFile,
    definition: await loadDefinition(nextFile),
  };
  const changes = diffDefinitions(base.definition, next.definition);
  const system = loadRunningSystemConfig();
  let deals: RunningDeal[] | null = null;
  if (system.temporalAddress && system.databaseUrl)
    deals = await runningDeals(system.temporalAddress, system.temporalNamespace, system.databaseUrl);
  const affected =
    deals === null
      ? null
      : affectedDeals(changes, base.definition, next.definition, deals, latestProcessVersion(), Date.now());
  const preview = buildPreview(base, next, changes, affected, deals?.length ?? null);
  process.stdout.write(
    process.argv.includes('--json')
      ? `${JSON.stringify(preview, null, 2)}\n`
      : `${renderPreview(preview, [next.definition, base.definition], locale)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(`process:preview: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
