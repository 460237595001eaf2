// Bundles the page (src/web/app, Preact + TypeScript) with esbuild into src/web/dist, which the
// web router serves at /assets. Runs from scripts/setup.sh, so `npm start` and `npm test` build it
// with no extra command; `tsx src/web/build.ts` builds it by hand.
//
// Code splitting is on: each view the shell imports lazily (the dashboard and its charts) becomes
// its own chunk, so a rep's first load ships only the shell and the views it opens.
import fs from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { projectRoot } from '../paths';

export const WEB_APP_DIR = path.join(projectRoot(), 'src', 'web', 'app');
export const WEB_DIST_DIR = path.join(projectRoot(), 'src', 'web', 'dist');

export interface WebBuildResult {
  outDir: string;
  metafile: Metafile;
  /** Output path as the metafile names it -> path relative to outDir. */
  outputPath: (metafileKey: string) => string;
  ms: number;
}

export async function buildWebApp({
  outDir = WEB_DIST_DIR,
  minify = true,
}: { outDir?: string; minify?: boolean } = {}): Promise<WebBuildResult> {
  const started = performance.now();
  // Build beside the target and swap it in, so a running server never serves a half-written bundle.
  const staging = `${outDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  const result = await build({
    entryPoints: [path.join(WEB_APP_DIR, 'main.tsx')],
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'safari15', 'firefox100'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify,
    sourcemap: 'linked',
    metafile: true,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': JSON.stringify(minify ? 'production' : 'development') },
    tsconfig: path.join(WEB_APP_DIR, 'tsconfig.json'),
  });
  fs.writeFileSync(path.join(staging, 'meta.json'), JSON.stringify(result.metafile));
  const old = `${outDir}.old-${process.pid}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  fs.renameSync(staging, outDir);
  fs.rmSync(old, { recursive: true, force: true });
  return {
    outDir,
    metafile: result.metafile,
    outputPath: (key) => path.relative(staging, path.resolve(key)),
    ms: performance.now() - started,
  };
}

if (require.main === module) {
  buildWebApp()
    .then(({ outDir, ms }) => {
      process.stdout.write(`web: built ${path.relative(projectRoot(), outDir)} in ${Math.round(ms)} ms\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`web: build failed: ${String(err)}\n`);
      process.exit(1);
    });
}
