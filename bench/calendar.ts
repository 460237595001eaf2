// npx tsx bench/calendar.ts — China's working-day calendar on our workload: the contract window
// (30 working days) from every day of 2025–2026 (730 starts, BENCH_ROUNDS rounds), with the
// project-kept table (workflows/china-work-calendar.ts, what we ship, bundled into the workflow)
// against the npm package chinese-days (the maintained data package, a devDependency used only to
// check the table), beside a bare Mon–Fri baseline. Also what each costs to load and its size.
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import type { PSM_PROCESS } from '../workflows/psm-process';
import type { addWorkingDays } from '../workflows/working-days';

const require = createRequire(__filename);
type Process = typeof PSM_PROCESS;
type WorkingDays = { addWorkingDays: typeof addWorkingDays };
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const DAY = 86_400_000;

function timeLoad<T>(load: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = load();
  return { ms: performance.now() - t0, value };
}

// The shipped modules load first (timed), then chinese-days, each once in a fresh process.
const ours = timeLoad(() => require('../workflows/psm-process') as { PSM_PROCESS: Process });
const days = timeLoad(() => require('../workflows/working-days') as WorkingDays);
const pkg = timeLoad(() => require('chinese-days') as { isWorkday(date: string): boolean });

const calendar = ours.value.PSM_PROCESS.workCalendar;
const starts = Array.from({ length: 730 }, (_, i) => Date.parse('2025-01-01T04:00:00Z') + i * DAY);
const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

function windowWith(isWorking: (ms: number) => boolean) {
  return (start: number) => {
    let cursor = start;
    for (let counted = 0; counted < 30;) {
      cursor += DAY;
      if (isWorking(cursor)) counted += 1;
    }
    return cursor;
  };
}

const candidates: [string, (start: number) => number][] = [
  ['project table (shipped)', (start) => days.value.addWorkingDays(start, 30, calendar)],
  ['chinese-days', windowWith((ms) => pkg.value.isWorkday(local(ms)))],
  [
    'bare Mon–Fri baseline',
    (start) => days.value.addWorkingDays(start, 30, { utcOffsetMinutes: 480, holidays: [] }),
  ],
];

const results = candidates.map(([name, due]) => {
  let sink = 0;
  const t0 = performance.now();
  for (let round = 0; round < ROUNDS; round += 1) for (const start of starts) sink += due(start) % 7;
  const ms = performance.now() - t0;
  return {
    name,
    windows: ROUNDS * starts.length,
    ms: Math.round(ms),
    perWindowUs: +((ms * 1000) / (ROUNDS * starts.length)).toFixed(2),
    sink,
  };
});
// Both calendars must agree on every window in the published years, or the comparison is moot.
const disagreements = starts.filter((s) => candidates[0]![1](s) !== candidates[1]![1](s)).length;

const file = (p: string) => fs.readFileSync(p);
const tableSrc = file(path.join(__dirname, '../workflows/china-work-calendar.ts'));
const pkgDir = path.dirname(require.resolve('chinese-days/package.json'));
const pkgMain = file(path.join(pkgDir, 'dist/index.min.js'));
console.log(
  JSON.stringify(
    {
      load: {
        projectTableMs: +ours.ms.toFixed(1),
        chineseDaysMs: +pkg.ms.toFixed(1),
        note: 'project table loaded with psm-process (tsx transpiles it); chinese-days is prebuilt JS',
      },
      size: {
        projectTableBytes: tableSrc.length,
        projectTableGzip: gzipSync(tableSrc).length,
        chineseDaysMinJsBytes: pkgMain.length,
        chineseDaysMinJsGzip: gzipSync(pkgMain).length,
      },
      contractWindows: results.map(({ sink: _sink, ...r }) => r),
      disagreementsIn2025And2026: disagreements,
    },
    null,
    2,
  ),
);
