// The web page: the static shell (src/web/public), the bundled app (src/web/dist, built by
// src/web/build.ts from src/web/app at setup) and the public process definition it renders.
// No data about deals is served here; the page reads and changes deals through /api with the
// session cookie (or an API token), so this router needs no authentication.
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../paths';
import { PSM_PROCESS } from '../../workflows/psm-process';

/** Served from the source tree in both tsx and compiled runs (the Dockerfile copies src/web). */
export const WEB_PUBLIC_DIR = path.join(projectRoot(), 'src', 'web', 'public');
/** The bundle src/web/build.ts writes (gitignored; `npm run setup` makes it). */
export const WEB_BUNDLE_DIR = path.join(projectRoot(), 'src', 'web', 'dist');

export function createWebRouter({
  publicDir = WEB_PUBLIC_DIR,
  bundleDir = WEB_BUNDLE_DIR,
}: { publicDir?: string; bundleDir?: string } = {}): Router {
  const router = Router();

  router.get('/process.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(PSM_PROCESS);
  });

  // `no-cache` revalidates every load (cheap with ETags) so a deploy is picked up at once.
  const noCache = { setHeaders: (res: express.Response) => res.setHeader('Cache-Control', 'no-cache') };
  router.get('/assets/main.js', (_req, res, next) => {
    if (fs.existsSync(path.join(bundleDir, 'main.js'))) return next();
    res
      .status(503)
      .type('text/plain')
      .send('The web app is not built: run `npm run setup` (or `npx tsx src/web/build.ts`).');
  });
  // meta.json (the bundle's build report) stays on disk for the bench, not on the wire.
  router.get('/assets/meta.json', (_req, res) => void res.status(404).end());
  router.use('/assets', express.static(bundleDir, { ...noCache, index: false, fallthrough: false }));
  router.use(express.static(publicDir, { ...noCache, index: 'index.html', fallthrough: true }));

  return router;
}
