// Every user-facing Chinese string lives in a catalog (src/i18n/locales) or in the process
// definition (workflows/psm-process.ts, which keeps 中文/English names by design): this fails on a
// string literal, template or JSX text with Han characters anywhere else in src/, workflows/ or
// activities/. Comments are not user-facing and are not read. A string that must stay (a parser
// matching 万, a test fixture in production code) gets `i18n-allow: <why>` in a comment on its
// line or the line above.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');
const SCANNED = ['src', 'workflows', 'activities'];
// Not user-facing text: catalogs themselves, generated code, built bundles, and data.
const SKIPPED = new Set([
  'src/i18n/locales',
  'src/generated',
  'src/web/dist',
  // The process definition keeps 中文/English names by design.
  'workflows/psm-process.ts',
  // Its versions (issue 17): each version's 中文/English summary, data beside the definition.
  'workflows/process-versions.ts',
  // Demo organisation: people's and customers' names are data seeded into the database, not UI words.
  'src/demo/org.ts',
  'src/demo/seed-demo.ts',
  // Holiday calendar: the official notices it transcribes, cited by their Chinese titles.
  'workflows/china-work-calendar.ts',
]);
const HAN = /\p{Script=Han}/u;

function sourceFiles(dir: string): string[] {
  const rel = relative(ROOT, dir);
  if (SKIPPED.has(rel)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (SKIPPED.has(relative(ROOT, path))) return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Han characters in the file's string literals, templates and JSX text, minus allowed lines. */
export function strayHan(file: string, source: string): Finding[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const lines = source.split('\n');
  const allowed = (line: number) =>
    /i18n-allow:/.test(lines[line] ?? '') || /i18n-allow:/.test(lines[line - 1] ?? '');
  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isJsxText(node))
      text = node.text;
    else if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node))
      text = node.text;
    if (text !== undefined && HAN.test(text)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const seen = findings.some((f) => f.line === line + 1);
      if (!allowed(line) && !seen) findings.push({ file, line: line + 1, text: text.trim().slice(0, 60) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return findings;
}

describe('no user-facing Chinese outside the catalogs', () => {
  it('finds Han text in a literal, a template and JSX, and honours i18n-allow', () => {
    const source = [
      "const a = '商机';",
      'const b = `共 ${n} 个`;',
      '// 注释 is fine',
      'const c = <p>你好</p>;',
      "const d = '万'; // i18n-allow: parses amounts typed as 120万",
      "const e = 'deal';",
    ].join('\n');
    expect(strayHan('x.tsx', source).map((f) => f.line)).toEqual([1, 2, 4]);
  });

  it('src/, workflows/ and activities/ hold none', () => {
    const findings = SCANNED.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((file) =>
      strayHan(relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.text}`)).toEqual([]);
  });
});
