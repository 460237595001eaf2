// npm run test:mutations [-- ID ...] [--keep] [--skip-baseline]: applies each edit of mutations.ts alone to a scratch
// clone of the committed code (HEAD), runs the replay tests there, and reports which edits the
// tests killed (failed on) and which survived. Every non-deterministic edit must be killed and
// every number change must survive; the script exits non-zero otherwise. Long (a jest run per
// edit, about a minute each), so it is not part of CI's jest run: run it after changing the
// workflow, the histories or the replay tests. The working copy is never touched.

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MUTATIONS, type Mutation } from './mutations';

const REPO = path.resolve(__dirname, '../..');
// Only the replays of the committed histories (the file's own check of its failure message bundles a
// fixture of its own, the same for every edit).
const REPLAY_TESTS = ['test/workflows/replay.test.ts', '-t', 'replays against the current workflows'];

interface Outcome {
  mutation: Mutation;
  result: 'killed' | 'survived' | 'stale';
  /** The histories whose replay failed (from replay-check.ts's message). */
  histories: string[];
  seconds: number;
}

function scratchClone(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-mutations-'));
  execFileSync('git', ['clone', '-q', REPO, dir]);
  for (const link of ['node_modules', '.tools'])
    if (fs.existsSync(path.join(REPO, link))) fs.symlinkSync(path.join(REPO, link), path.join(dir, link));
  // The Prisma Client of the clone's own schema (the working copy's may be ahead of HEAD).
  execFileSync('node', ['node_modules/prisma/build/index.js', 'generate'], {
    cwd: dir,
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: 'ignore',
  });
  return dir;
}

function runTests(dir: string, mutation: Mutation | null): { ok: boolean; output: string } {
  const runs: string[][] = [[...REPLAY_TESTS]];
  if (mutation?.alsoRun)
    runs.push([
      mutation.alsoRun.file,
      ...(mutation.alsoRun.testName ? ['-t', mutation.alsoRun.testName] : []),
    ]);
  let output = '';
  for (const args of runs) {
    const run = spawnSync('npx', ['jest', '--ci', ...args], {
      cwd: dir,
      env: { ...process.env, JEST_SKIP_SERVICES: '1', CI: 'true' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    output += `${run.stdout}\n${run.stderr}`;
    if (run.status !== 0) return { ok: false, output };
  }
  return { ok: true, output };
}

/**
 * The failed tests: each history whose replay failed (by file name), else the failed test's title.
 * (Not the "is not replay-safe" text: jest's output also quotes it from passing and skipped code.)
 */
function failedHistories(output: string): string[] {
  const names = new Set<string>();
  for (const match of output.matchAll(/✕ (.+?)(?: \(\d+ ms\))?$/gm)) {
    const title = match[1] ?? '';
    names.add(/^([\w-]+)\.json replays/.exec(title)?.[1] ?? title);
  }
  return [...names].sort();
}

function apply(dir: string, mutation: Mutation): boolean {
  const file = path.join(dir, mutation.file);
  const source = fs.readFileSync(file, 'utf8');
  if (source.split(mutation.find).length !== 2) return false;
  fs.writeFileSync(
    file,
    source.replace(mutation.find, () => mutation.replace),
  );
  return true;
}

function restore(dir: string, mutation: Mutation): void {
  execFileSync('git', ['checkout', '-q', '--', mutation.file], { cwd: dir });
}

function main(): void {
  const args = process.argv.slice(2);
  const keep = args.includes('--keep');
  const only = args.filter((a) => !a.startsWith('--'));
  const unknown = only.filter((id) => !MUTATIONS.some((m) => m.id === id));
  if (unknown.length > 0) throw new Error(`no mutation ${unknown.join(', ')}`);
  // In the order given (the paths that matter most first when time is short), else the list's.
  const selected =
    only.length > 0 ? only.map((id) => MUTATIONS.find((m) => m.id === id) as Mutation) : MUTATIONS;

  const dir = scratchClone();
  console.log(`scratch clone of HEAD: ${dir}`);
  // Edits are measured against green replays; --skip-baseline when resuming a run on the same HEAD.
  const baseline = args.includes('--skip-baseline') ? { ok: true, output: '' } : runTests(dir, null);
  if (!baseline.ok) {
    console.error(baseline.output.slice(-4000));
    throw new Error('the replay tests fail on the unchanged code: fix that first');
  }
  const outcomes: Outcome[] = [];
  for (const mutation of selected) {
    const started = Date.now();
    if (!apply(dir, mutation)) {
      outcomes.push({ mutation, result: 'stale', histories: [], seconds: 0 });
      console.log(`STALE    ${mutation.id}: its text no longer occurs exactly once in ${mutation.file}`);
      continue;
    }
    try {
      const run = runTests(dir, mutation);
      const outcome: Outcome = {
        mutation,
        result: run.ok ? 'survived' : 'killed',
        histories: failedHistories(run.output),
        seconds: Math.round((Date.now() - started) / 1000),
      };
      outcomes.push(outcome);
      const verdict =
        outcome.result === (mutation.expect === 'killed' ? 'killed' : 'survived') ? 'ok' : 'WRONG';
      console.log(
        `${outcome.result.toUpperCase().padEnd(8)} ${mutation.id} [${mutation.path}] (${verdict}, ${outcome.seconds} s)` +
          (outcome.histories.length > 0 ? `: ${outcome.histories.join(', ')}` : ''),
      );
      if (!run.ok && outcome.histories.length === 0) console.log(run.output.slice(-1500));
    } finally {
      restore(dir, mutation);
    }
  }
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });

  const edits = outcomes.filter((o) => o.mutation.expect === 'killed');
  const numbers = outcomes.filter((o) => o.mutation.expect === 'survives');
  const killed = edits.filter((o) => o.result === 'killed').length;
  const green = numbers.filter((o) => o.result === 'survived').length;
  const stale = outcomes.filter((o) => o.result === 'stale').length;
  console.log(
    `\nnon-deterministic edits killed: ${killed} of ${edits.length}; number changes kept green: ${green} of ${numbers.length}` +
      (stale > 0 ? `; stale edits: ${stale}` : ''),
  );
  const survivors = edits.filter((o) => o.result !== 'killed').map((o) => o.mutation.id);
  const falseAlarms = numbers.filter((o) => o.result !== 'survived').map((o) => o.mutation.id);
  if (survivors.length > 0) console.log(`survived (no history catches them): ${survivors.join(', ')}`);
  if (falseAlarms.length > 0) console.log(`number changes the replay refused: ${falseAlarms.join(', ')}`);
  if (survivors.length > 0 || falseAlarms.length > 0 || stale > 0) process.exitCode = 1;
}

main();
