// npm run bench:web — the JavaScript the page ships, gzipped, beside a bare baseline.
//
// Builds the app exactly as scripts/setup.sh does (src/web/build.ts: esbuild, minified, code
// splitting) into a temporary folder and reports, gzip -9:
//   - first load: main.js plus the chunks it imports statically (what a rep downloads first);
//   - every chunk (the dashboard's ECharts chunk loads when a chart first draws);
//   - the total of all JavaScript (the budget: under 300 kB gzipped);
// beside a baseline: Preact alone rendering one element, bundled with the same esbuild options
// (the floor any Preact page pays). Also the build's wall time (best of 3).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildWebApp } from '../src/web/build';

const BUDGET_KB = 300;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const gz = (file: string) => gzipSync(fs.readFileSync(file), { level: 9 }).length;

async function baseline(dir: string): Promise<{ raw: number; gzipped: number }> {
  const entry = path.join(dir, 'baseline.tsx');
  fs.writeFileSync(entry, "import { render } from 'preact';\nrender(<p>PSM</p>, document.body);\n");
  const out = path.join(dir, 'baseline.js');
  await build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    format: 'esm',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    target: ['es2020'],
    nodePaths: [path.resolve(__dirname, '../node_modules')],
    logLevel: 'silent',
  });
  return { raw: fs.statSync(out).size, gzipped: gz(out) };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-bench-web-'));
  try {
    const times: number[] = [];
    let result = await buildWebApp({ outDir: path.join(dir, 'app') });
    times.push(result.ms);
    for (let i = 0; i < 2; i++) {
      result = await buildWebApp({ outDir: path.join(dir, 'app') });
      times.push(result.ms);
    }
    const outputs = result.metafile.outputs;
    const jsFiles = Object.keys(outputs).filter((f) => f.endsWith('.js'));
    const onDisk = (f: string) => path.join(result.outDir, result.outputPath(f));
    const mainKey = jsFiles.find((f) => f.endsWith('/main.js'))!;
    const initial = new Set([mainKey]);
    for (const imp of outputs[mainKey]!.imports) if (imp.kind === 'import-statement') initial.add(imp.path);
    const rows = jsFiles.map((f) => {
      const file = onDisk(f);
      return {
        name: path.relative(result.outDir, file),
        raw: fs.statSync(file).size,
        gzipped: gz(file),
        first: initial.has(f),
      };
    });
    const sum = (pick: (r: (typeof rows)[number]) => boolean) =>
      rows
        .filter(pick)
        .reduce((a, r) => ({ raw: a.raw + r.raw, gzipped: a.gzipped + r.gzipped }), { raw: 0, gzipped: 0 });
    const first = sum((r) => r.first);
    const total = sum(() => true);
    const base = await baseline(dir);

    console.log('web bundle (esbuild, minified, gzip -9)');
    console.log(
      `  build time: best ${Math.round(Math.min(...times))} ms of ${times.map(Math.round).join(', ')} ms`,
    );
    for (const r of rows.sort((a, b) => b.gzipped - a.gzipped))
      console.log(
        `  ${r.first ? '*' : ' '} ${r.name.padEnd(44)} ${kb(r.raw).padStart(8)} kB  ${kb(r.gzipped).padStart(7)} kB gz`,
      );
    console.log('  (* = loaded on first page load)');
    console.log(
      `  first load:             ${kb(first.raw).padStart(8)} kB  ${kb(first.gzipped).padStart(7)} kB gz`,
    );
    console.log(
      `  all JavaScript:         ${kb(total.raw).padStart(8)} kB  ${kb(total.gzipped).padStart(7)} kB gz  (budget ${BUDGET_KB} kB gz)`,
    );
    console.log(
      `  baseline (preact only): ${kb(base.raw).padStart(8)} kB  ${kb(base.gzipped).padStart(7)} kB gz`,
    );
    if (total.gzipped > BUDGET_KB * 1024) {
      console.log(`OVER BUDGET: ${kb(total.gzipped)} kB gz > ${BUDGET_KB} kB`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
