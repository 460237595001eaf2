// The real activities a benchmark's worker runs: mail goes to an outbox sender that keeps it (no
// SMTP), links are signed with a throwaway secret. The same set for every bench that starts deals.
import { randomBytes } from 'node:crypto';
import { createActivities } from '../../activities';
import type { PrismaClient } from '../../src/db/prisma';
import { createActionLinks } from '../../src/links';
import { createOutboxSender } from '../../src/mail/transport';

export function benchActivities(prisma: PrismaClient): ReturnType<typeof createActivities> {
  return createActivities({
    prisma,
    sender: createOutboxSender(),
    from: 'bench@localhost',
    publicBaseUrl: 'http://127.0.0.1',
    links: createActionLinks({
      prisma,
      secret: randomBytes(32).toString('hex'),
      publicBaseUrl: 'http://127.0.0.1',
      ttlHours: 1,
    }),
  });
}
