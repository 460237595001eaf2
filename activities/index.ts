// Activities are factories over injected clients; the worker's start-up wires them.
import type { PrismaClient } from '../src/db/prisma';
import type { ActionLinks } from '../src/links';
import type { MailSender } from '../src/mail/transport';
import type { Activities } from '../src/contracts/activities';
import type { ChannelClients } from '../src/notify/channel';
import { createClockActivities } from './clocks';
import { createDigestActivities } from './digest';
import { createDirectoryActivities } from './directory';
import { createEmailActivities } from './email';
import { createChannelDispatch } from './notify-channels';
import { createProjectionActivities } from './projection';
import { createReportActivities } from './reports';
import { createProjectReportActivities } from './project-reports';
import { createAccountActivities } from './account-claims';
import type { AccountActivities } from '../workflows/account-types';
import { createProcessMigrationActivities } from './process-migrations';
import { createBookHandoverActivities } from './book-handover';
import type { BookHandoverActivities } from '../workflows/book-handover';

export interface ActivityDeps {
  prisma: PrismaClient;
  sender: MailSender;
  from: string;
  publicBaseUrl: string;
  links: ActionLinks;
  /** IM channel clients (issue 13); absent or empty: every notification goes by email. */
  channels?: ChannelClients;
  /** The morning digest's zone (DIGEST_TIMEZONE); default Asia/Shanghai. */
  digestTimeZone?: string;
}

export function createActivities(
  deps: ActivityDeps,
): Activities & AccountActivities & BookHandoverActivities {
  return {
    ...createBookHandoverActivities({ prisma: deps.prisma }),
    ...createAccountActivities({ ...deps, ...(deps.channels ? { channels: deps.channels } : {}) }),
    ...createDirectoryActivities({ prisma: deps.prisma }),
    ...createProjectionActivities({ prisma: deps.prisma }),
    ...createClockActivities({ prisma: deps.prisma }),
    ...createEmailActivities({
      ...deps,
      channels:
        deps.channels && Object.keys(deps.channels).length > 0
          ? createChannelDispatch({ ...deps, clients: deps.channels })
          : undefined,
    }),
    ...createReportActivities({
      prisma: deps.prisma,
      sender: deps.sender,
      from: deps.from,
      clients: deps.channels,
      publicBaseUrl: deps.publicBaseUrl,
    }),
    ...createProjectReportActivities({
      prisma: deps.prisma,
      sender: deps.sender,
      from: deps.from,
      clients: deps.channels,
      publicBaseUrl: deps.publicBaseUrl,
    }),
    ...createProcessMigrationActivities(),
    ...createDigestActivities({
      prisma: deps.prisma,
      sender: deps.sender,
      from: deps.from,
      clients: deps.channels ?? {},
      publicBaseUrl: deps.publicBaseUrl,
      timeZone: deps.digestTimeZone ?? 'Asia/Shanghai',
    }),
  };
}
