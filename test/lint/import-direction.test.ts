// The lint fails on an import against the layers of ARCHITECTURE.md (contracts <- workflows <-
// domain <- activities | API <- bootstrap). ESLint runs in a child process (its config is ESM)
// over real files of the tree with one import line added, as a developer would write it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const CASES: { file: string; imports: string; allowed: boolean }[] = [
  { file: 'src/users/users.ts', imports: '../../activities', allowed: false },
  { file: 'src/opportunities/schemas.ts', imports: '../api/openapi', allowed: false },
  { file: 'src/reports/build-funnel.ts', imports: '../bootstrap/application', allowed: false },
  { file: 'workflows/opportunity-input.ts', imports: '../src/contracts/zod-fields', allowed: false },
  { file: 'workflows/opportunity-state.ts', imports: '../src/users/reporting-chain', allowed: false },
  { file: 'activities/clocks.ts', imports: '../src/api/app', allowed: false },
  { file: 'src/api/routes/users.ts', imports: '../../../activities/directory', allowed: false },
  { file: 'src/contracts/refusals.ts', imports: '../../workflows/psm-process', allowed: false },
  // The direction itself is fine:
  { file: 'src/users/users.ts', imports: '../contracts/input-rules', allowed: true },
  { file: 'src/api/routes/users.ts', imports: '../../users/reporting-chain', allowed: true },
  { file: 'activities/clocks.ts', imports: '../workflows/opportunity-timers', allowed: true },
  { file: 'workflows/opportunity-state.ts', imports: '../src/contracts/input-rules', allowed: true },
];

const SCRIPT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
(async () => {
  // Only the layer rule, without type information: the same zones, in a fraction of the time.
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === 'import-x/no-restricted-paths',
  });
  const out = [];
  for (const c of cases) {
    const [result] = await eslint.lintText(c.text, { filePath: c.file });
    out.push(result.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').length);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(err); process.exit(2); });
`;

test('an import against the direction fails the lint; one along it does not', () => {
  const inputs = CASES.map((c) => ({
    file: path.join(ROOT, c.file),
    // A side-effect-free import at the top, then the file as it is.
    text: `import type * as _probe from '${c.imports}';\n${readFileSync(path.join(ROOT, c.file), 'utf8')}`,
  }));
  const counts = JSON.parse(
    execFileSync(process.execPath, ['-e', SCRIPT, JSON.stringify(inputs)], { cwd: ROOT, encoding: 'utf8' }),
  ) as number[];
  expect(CASES.map((c, i) => ({ ...c, violations: counts[i] }))).toEqual(
    CASES.map((c) => ({ ...c, violations: c.allowed ? 0 : 1 })),
  );
}, 180_000);
