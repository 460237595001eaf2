// The bare HTTP hop of bench:api: JSON in, the milestone-checklist Update, JSON out; no token, no
// checks, no read model. hopRouter serves it from the bench's own process; run as a script
// (`tsx bench/lib/hop-server.ts`, TEMPORAL_ADDRESS and HOP_ACTOR_ID in its environment) it serves it
// from a process of its own, as the API is served, and prints `{"port":N}` once it listens. It
// exits when its stdin closes (the bench ended, however it ended).
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import { Client, Connection } from '@temporalio/client';
import { setChecklistItemUpdate } from '../../workflows/opportunity-messages';

export function hopRouter(client: Client, actorId: string): Router {
  const router = express.Router();
  router.put('/hop/:id', express.json(), (req, res, next) => {
    const requestId = `setChecklistItem:${randomUUID()}`;
    client.workflow
      .getHandle(req.params.id!)
      .executeUpdate(setChecklistItemUpdate, {
        args: [
          {
            requestId,
            actor: { userId: actorId, role: 'rep' },
            milestone: 'project_initiation',
            item: 'understand_background',
            done: (req.body as { done: boolean }).done,
          },
        ],
        updateId: requestId,
      })
      .then(({ projection: _projection, ...result }) => res.json(result), next);
  });
  return router;
}

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS;
  const actorId = process.env.HOP_ACTOR_ID;
  if (!address || !actorId) throw new Error('hop-server needs TEMPORAL_ADDRESS and HOP_ACTOR_ID');
  const client = new Client({ connection: await Connection.connect({ address }) });
  const app = express();
  app.use(hopRouter(client, actorId));
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.stdin.resume();
  process.stdin.once('end', () => process.exit(0));
}

if (process.argv[1]?.endsWith('hop-server.ts')) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
