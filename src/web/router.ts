// The web page: static files (no build step) and the public process definition they render.
// No data about deals is served here; the page reads and changes deals through /api with the
// user's token, so this router needs no authentication.
import path from 'node:path';
import express, { Router } from 'express';
import { projectRoot } from '../paths';
import { PSM_PROCESS } from '../../workflows/psm-process';

/** Served from the source tree in both tsx and compiled runs (the Dockerfile copies src/web). */
export const WEB_PUBLIC_DIR = path.join(projectRoot(), 'src', 'web', 'public');

export function createWebRouter({ publicDir = WEB_PUBLIC_DIR }: { publicDir?: string } = {}): Router {
  const router = Router();

  router.get('/process.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(PSM_PROCESS);
  });

  // `no-cache` revalidates every load (cheap with ETags) so a deploy is picked up at once.
  router.use(
    express.static(publicDir, {
      index: 'index.html',
      fallthrough: true,
      setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache'),
    }),
  );

  return router;
}
